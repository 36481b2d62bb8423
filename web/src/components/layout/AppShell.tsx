//! The signed-in layout: sidebar navigation and a header with the user, language switch and logout.
import { NavLink, Outlet, useNavigate } from "react-router";
import { BellIcon, BriefcaseIcon, LogOutIcon, MailIcon, UploadCloudIcon, UsersIcon, UserSearchIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { LangSwitch } from "@/components/common/LangSwitch";
import { useLogout } from "@/features/auth/api";
import { can, type User } from "@/features/auth/schema";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { useQueryClient } from "@tanstack/react-query";
import { ME_KEY } from "@/lib/query";

function NavItem({ to, icon, label }: { to: string; icon: React.ReactNode; label: string }) {
  return (
    <NavLink
      to={to}
      aria-label={label}
      title={label}
      className={({ isActive }) =>
        cn(
          "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors outline-none focus-visible:ring-ring/50 focus-visible:ring-[3px] [&_svg]:size-4",
          isActive
            ? "bg-sidebar-accent text-primary"
            : "text-muted-foreground hover:bg-sidebar-accent hover:text-foreground",
        )
      }
    >
      {icon}
      <span className="hidden md:inline">{label}</span>
    </NavLink>
  );
}

export function AppShell({ user }: { user: User }) {
  const { t } = useI18n();
  const logout = useLogout();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const initials = user.name
    .split(/\s+/)
    .map((p) => p[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();

  return (
    <div className="flex min-h-screen">
      <aside className="bg-sidebar border-sidebar-border sticky top-0 flex h-screen w-16 shrink-0 flex-col border-r md:w-60">
        <div className="flex h-14 items-center gap-2 px-4">
          <div className="bg-primary text-primary-foreground grid size-8 place-items-center rounded-lg font-bold">
            О
          </div>
          <span className="hidden text-lg font-semibold md:inline">{t("app.name")}</span>
        </div>
        <nav aria-label={t("nav.main")} className="flex flex-col gap-1 p-2">
          <NavItem to="/candidates" icon={<UserSearchIcon />} label={t("nav.candidates")} />
          <NavItem to="/vacancies" icon={<BriefcaseIcon />} label={t("nav.vacancies")} />
          <NavItem to="/uploads" icon={<UploadCloudIcon />} label={t("nav.uploads")} />
          {can.manageUsers(user.role) && (
            <NavItem to="/users" icon={<UsersIcon />} label={t("nav.users")} />
          )}
          {can.manageUsers(user.role) && (
            <NavItem to="/notifications" icon={<MailIcon />} label={t("nav.notifications")} />
          )}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="bg-background/95 sticky top-0 z-30 flex h-14 items-center justify-end gap-3 border-b px-4 backdrop-blur">
          <LangSwitch />
          <div className="flex items-center gap-2" data-testid="current-user">
            <div className="bg-accent text-primary grid size-8 place-items-center rounded-full text-xs font-semibold">
              {initials}
            </div>
            <div className="hidden flex-col leading-tight sm:flex">
              <span className="text-sm font-medium">{user.name}</span>
              <span className="text-muted-foreground text-xs">{user.email}</span>
            </div>
            <Badge variant="secondary" data-testid="current-role">
              {t(`role.${user.role}`)}
            </Badge>
          </div>
          <Button asChild variant="ghost" size="sm" data-testid="my-notifications-link">
            <NavLink to="/settings/notifications" aria-label={t("nav.myNotifications")} title={t("nav.myNotifications")}>
              <BellIcon />
            </NavLink>
          </Button>
          <Button
            variant="ghost"
            size="sm"
            data-testid="logout"
            aria-label={t("auth.logout")}
            disabled={logout.isPending}
            onClick={() =>
              logout.mutate(undefined, {
                onSettled: () => {
                  navigate("/login", { replace: true });
                  qc.setQueryData(ME_KEY, null);
                },
              })
            }
          >
            <LogOutIcon />
            <span className="hidden sm:inline">{t("auth.logout")}</span>
          </Button>
        </header>
        <main className="mx-auto w-full max-w-7xl flex-1 p-4 md:p-6">
          <Outlet context={user} />
        </main>
      </div>
    </div>
  );
}
