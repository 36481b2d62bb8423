//! Routes: the sign-in page, the candidate's invite and unsubscribe pages, and the signed-in app.
//! Pages load lazily so that the first screen does not wait for the whole app.
import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router";
import { Skeleton } from "@/components/ui/skeleton";
import { NotFound } from "@/components/common/NotFound";
import { RouteError } from "@/components/common/RouteError";
import { RequireAuth } from "@/components/layout/RequireAuth";

function page<M>(load: () => Promise<M>, name: keyof M) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}

const LoginPage = page(() => import("@/features/auth/components/LoginPage"), "LoginPage");
const InterviewPage = page(() => import("@/features/interview/components/InterviewPage"), "InterviewPage");
const CandidatesPage = page(() => import("@/features/candidates/components/CandidatesPage"), "CandidatesPage");
const CandidatePage = page(() => import("@/features/candidates/components/CandidatePage"), "CandidatePage");
const VacanciesPage = page(() => import("@/features/vacancies/components/VacanciesPage"), "VacanciesPage");
const VacancyPage = page(() => import("@/features/vacancies/components/VacancyPage"), "VacancyPage");
const VacancyFormPage = page(() => import("@/features/vacancies/components/VacancyFormPage"), "VacancyFormPage");
const UploadsPage = page(() => import("@/features/uploads/components/UploadsPage"), "UploadsPage");
const UsersPage = page(() => import("@/features/users/components/UsersPage"), "UsersPage");
const NotificationsPage = page(() => import("@/features/notifications/components/NotificationsPage"), "NotificationsPage");
const MyNotificationsPage = page(() => import("@/features/notifications/components/MyNotificationsPage"), "MyNotificationsPage");
const UnsubscribePage = page(() => import("@/features/notifications/components/UnsubscribePage"), "UnsubscribePage");

function Loading() {
  return (
    <div className="space-y-4 p-6" aria-busy="true">
      <Skeleton className="h-8 w-64" />
      <Skeleton className="h-40 w-full" />
    </div>
  );
}

const s = (el: ReactNode) => <Suspense fallback={<Loading />}>{el}</Suspense>;

const router = createBrowserRouter([
  { path: "/login", element: s(<LoginPage />), errorElement: <RouteError /> },
  { path: "/i/:token", element: s(<InterviewPage />), errorElement: <RouteError /> },
  { path: "/unsubscribe/:code", element: s(<UnsubscribePage />), errorElement: <RouteError /> },
  {
    path: "/",
    element: <RequireAuth />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/candidates" replace /> },
      { path: "candidates", element: s(<CandidatesPage />) },
      { path: "candidates/:id", element: s(<CandidatePage />) },
      { path: "vacancies", element: s(<VacanciesPage />) },
      { path: "vacancies/new", element: s(<VacancyFormPage />) },
      { path: "vacancies/:id", element: s(<VacancyPage />) },
      { path: "vacancies/:id/edit", element: s(<VacancyFormPage />) },
      { path: "uploads", element: s(<UploadsPage />) },
      { path: "users", element: s(<UsersPage />) },
      { path: "notifications", element: s(<NotificationsPage />) },
      { path: "settings/notifications", element: s(<MyNotificationsPage />) },
      { path: "*", element: <NotFound /> },
      // Errors of a page stay inside the shell, so the navigation still works.
    ].map((r) => ({ ...r, errorElement: <RouteError /> })),
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
