//! Admin: the notifications page, with the outbox (every message) and the template editor as
//! tabs; the tab is in the address (`?tab=templates`) so that it can be linked and reloaded.
import { Navigate, useSearchParams } from "react-router";
import { FileTextIcon, InboxIcon } from "lucide-react";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { PageHeader } from "@/components/common/PageHeader";
import { useCurrentUser } from "@/components/layout/RequireAuth";
import { can } from "@/features/auth/schema";
import { useI18n } from "@/lib/i18n";
import { OutboxTab } from "./OutboxTab";
import { TemplatesTab } from "./TemplatesTab";

const TABS = ["outbox", "templates"] as const;
type Tab = (typeof TABS)[number];

export function NotificationsPage() {
  const { t } = useI18n();
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const raw = params.get("tab");
  const tab: Tab = TABS.find((x) => x === raw) ?? "outbox";
  if (!can.manageUsers(me.role)) return <Navigate to="/" replace />;

  return (
    <div className="space-y-6">
      <PageHeader title={t("notify.title")} subtitle={t("notify.subtitle")} />
      <Tabs
        value={tab}
        onValueChange={(v) => setParams(v === "outbox" ? {} : { tab: v }, { replace: true })}
        className="gap-4"
      >
        <TabsList>
          <TabsTrigger value="outbox" data-testid="tab-outbox">
            <InboxIcon /> {t("notify.tab.outbox")}
          </TabsTrigger>
          <TabsTrigger value="templates" data-testid="tab-templates">
            <FileTextIcon /> {t("notify.tab.templates")}
          </TabsTrigger>
        </TabsList>
        <TabsContent value="outbox">
          <OutboxTab />
        </TabsContent>
        <TabsContent value="templates">
          <TemplatesTab canEdit={can.manageUsers(me.role)} />
        </TabsContent>
      </Tabs>
    </div>
  );
}
