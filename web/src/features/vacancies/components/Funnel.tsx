//! Per-stage counts and the conversion between consecutive stages of a vacancy's pipeline.
import { ChevronRightIcon } from "lucide-react";
import { STATUS_DOT } from "@/components/common/StatusBadge";
import { useI18n } from "@/lib/i18n";
import { STATUSES } from "@/lib/schema";
import { cn } from "@/lib/utils";
import type { Stats } from "../schema";

export function StageCounts({ stats }: { stats: Stats }) {
  const { t } = useI18n();
  return (
    <ul className="grid grid-cols-3 gap-1.5" data-testid="stage-counts">
      {STATUSES.map((s) => (
        <li key={s} className="bg-muted/60 rounded-md px-2 py-1.5" title={t(`status.${s}`)}>
          <div className="flex items-center gap-1.5">
            <span className={cn("size-1.5 shrink-0 rounded-full", STATUS_DOT[s])} />
            <span className="text-muted-foreground truncate text-[11px]">{t(`status.short.${s}`)}</span>
          </div>
          <p className="text-base font-semibold tabular-nums">{stats.counts[s]}</p>
        </li>
      ))}
    </ul>
  );
}

/** The funnel's conversion rates; a stage with nobody in it shows a dash. */
export function Funnel({ stats }: { stats: Stats }) {
  const { t, percent } = useI18n();
  return (
    <ol className="flex flex-wrap items-center gap-1 text-xs" data-testid="funnel" aria-label={t("vacancies.funnel")}>
      {stats.funnel.map((step, i) => (
        <li key={i} className="flex items-center gap-1" title={`${t(`status.${step.from}`)} → ${t(`status.${step.to}`)}`}>
          {i > 0 && <ChevronRightIcon className="text-muted-foreground size-3" />}
          <span className="bg-accent text-primary rounded px-1.5 py-0.5 font-semibold tabular-nums">
            {percent(step.rate)}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** A bar chart version for the vacancy page: the width is the share of the largest stage. */
export function FunnelBars({ stats }: { stats: Stats }) {
  const { t, percent } = useI18n();
  const max = Math.max(1, ...STATUSES.map((s) => stats.counts[s]));
  const rateInto = Object.fromEntries(stats.funnel.map((f) => [f.to, f.rate]));
  return (
    <ul className="space-y-2" data-testid="funnel-bars">
      {STATUSES.map((s) => (
        <li key={s} className="grid grid-cols-[7.5rem_1fr_2rem_3rem] items-center gap-2 text-sm">
          <span className="truncate" title={t(`status.${s}`)}>
            {t(`status.short.${s}`)}
          </span>
          <div className="bg-muted h-2.5 overflow-hidden rounded-full">
            <div
              className={cn("h-full rounded-full", STATUS_DOT[s])}
              style={{ width: `${(stats.counts[s] / max) * 100}%` }}
            />
          </div>
          <span className="text-right font-medium tabular-nums">{stats.counts[s]}</span>
          <span className="text-muted-foreground text-right text-xs tabular-nums" title={t("vacancy.conversion")}>
            {s in rateInto ? percent(rateInto[s]) : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
