//! An application's status history as a vertical timeline: from -> to, who, when, why.
import { ArrowRightIcon } from "lucide-react";
import { Skeleton } from "@/components/ui/skeleton";
import { StatusBadge, STATUS_DOT } from "@/components/common/StatusBadge";
import { useI18n } from "@/lib/i18n";
import { useHistory } from "../api";
import type { HistoryEntry } from "../schema";

export function HistoryTimeline({ applicationId }: { applicationId: string }) {
  const { t, dateTime } = useI18n();
  const history = useHistory(applicationId);

  const actor = (e: HistoryEntry) => {
    if (e.actor.name) return e.actor.name;
    if (e.actor.kind === "system") return t("application.actor.system");
    if (e.actor.kind === "candidate") return t("application.actor.candidate");
    return t("application.actor.unknown");
  };

  if (history.isPending) {
    return (
      <div className="space-y-3 py-2">
        <Skeleton className="h-4 w-2/3" />
        <Skeleton className="h-4 w-1/2" />
      </div>
    );
  }
  const items = history.data?.items ?? [];
  if (items.length === 0) {
    return <p className="text-muted-foreground py-2 text-sm">{t("application.historyEmpty")}</p>;
  }
  return (
    <ol className="relative ml-2 border-l py-1" data-testid="history-timeline">
      {items.map((e, i) => (
        <li key={i} className="mb-4 ml-5 last:mb-0" data-testid="history-entry">
          <span
            className={`absolute -left-[5px] mt-1.5 size-2.5 rounded-full ring-4 ring-white ${STATUS_DOT[e.to]}`}
          />
          <div className="flex flex-wrap items-center gap-1.5 text-sm">
            {e.from ? (
              <>
                <StatusBadge status={e.from} />
                <ArrowRightIcon className="text-muted-foreground size-3.5" />
              </>
            ) : (
              <span className="text-muted-foreground">{t("application.created")}:</span>
            )}
            <StatusBadge status={e.to} />
          </div>
          <p className="text-muted-foreground mt-1 text-xs">
            <span className="text-foreground font-medium">{actor(e)}</span> · <time dateTime={e.at}>{dateTime(e.at)}</time>
          </p>
          {e.reason && (
            <p className="bg-muted mt-1 rounded-md px-2 py-1 text-sm" data-testid="history-reason">
              {e.reason}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}
