//! The candidate page's card of what was sent to or about the candidate: when, which event, on
//! which channel, whether it arrived and why not; a message opens as it was rendered.
import { useState } from "react";
import { BellIcon } from "lucide-react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/common/EmptyState";
import { useI18n } from "@/lib/i18n";
import { useCandidateNotifications } from "../api";
import type { NotificationRecord } from "../schema";
import { MessageDialog } from "./MessageDialog";
import { ChannelLabel, DeliveryBadge } from "./parts";

export function CandidateNotifications({ candidateId }: { candidateId: string }) {
  const { t, dateTime } = useI18n();
  const log = useCandidateNotifications(candidateId);
  const [open, setOpen] = useState<NotificationRecord | null>(null);

  return (
    <Card data-testid="candidate-notifications">
      <CardHeader>
        <CardTitle>{t("notify.candidate.title")}</CardTitle>
      </CardHeader>
      <CardContent>
        {log.isPending ? (
          <Skeleton className="h-16 w-full" />
        ) : log.error ? (
          <EmptyState title={t("notify.candidate.error")} hint={log.error.message} className="py-6" />
        ) : log.data.length === 0 ? (
          <EmptyState icon={<BellIcon />} title={t("notify.candidate.empty")} className="py-6" />
        ) : (
          <ul className="divide-y">
            {/* Newest first, as in every other list of the app; the server sends them oldest first. */}
            {[...log.data].reverse().map((m) => (
              <li key={m.key} data-testid="candidate-notification">
                <button
                  type="button"
                  onClick={() => setOpen(m)}
                  aria-label={t("notify.outbox.open", { subject: m.subject })}
                  className="hover:bg-muted/60 -mx-2 flex w-[calc(100%+1rem)] flex-col gap-1 rounded-md px-2 py-2 text-left outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
                >
                  <span className="flex items-baseline justify-between gap-3">
                    <span className="text-sm font-medium">{t(`notify.event.${m.event}`)}</span>
                    <span className="text-muted-foreground shrink-0 text-xs">{dateTime(m.created_at)}</span>
                  </span>
                  <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
                    <ChannelLabel channel={m.channel} />
                    <DeliveryBadge status={m.status} channel={m.channel} />
                  </span>
                  {m.error && <span className="text-destructive text-xs break-words">{m.error}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
      <MessageDialog message={open} onClose={() => setOpen(null)} />
    </Card>
  );
}
