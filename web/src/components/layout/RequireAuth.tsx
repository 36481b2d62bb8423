//! Guards the signed-in pages: without a session it redirects to /login?next=<where you were>.
import { Navigate, useLocation, useOutletContext } from "react-router";
import { Skeleton } from "@/components/ui/skeleton";
import { useMe } from "@/features/auth/api";
import type { User } from "@/features/auth/schema";
import { AppShell } from "./AppShell";

export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <div className="flex min-h-screen">
        <Skeleton className="h-screen w-16 rounded-none md:w-60" />
        <div className="flex-1 space-y-4 p-6">
          <Skeleton className="h-8 w-64" />
          <Skeleton className="h-40 w-full" />
        </div>
      </div>
    );
  }
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <AppShell user={me.data} />;
}

/** The signed-in user, for pages under RequireAuth. */
export function useCurrentUser(): User {
  return useOutletContext<User>();
}
