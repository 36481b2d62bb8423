//! The pipeline status as a coloured pill.
import { cn } from "@/lib/utils";
import { useI18n } from "@/lib/i18n";
import type { Status } from "@/lib/schema";

export const STATUS_COLORS: Record<Status, string> = {
  awaiting_response: "bg-slate-100 text-slate-700 border-slate-200",
  in_interview: "bg-sky-100 text-sky-800 border-sky-200",
  evaluation: "bg-amber-100 text-amber-800 border-amber-200",
  awaiting_manager_decision: "bg-violet-100 text-violet-800 border-violet-200",
  accepted: "bg-emerald-100 text-emerald-800 border-emerald-200",
  rejected: "bg-rose-100 text-rose-800 border-rose-200",
};

export const STATUS_DOT: Record<Status, string> = {
  awaiting_response: "bg-slate-400",
  in_interview: "bg-sky-500",
  evaluation: "bg-amber-500",
  awaiting_manager_decision: "bg-violet-500",
  accepted: "bg-emerald-500",
  rejected: "bg-rose-500",
};

export function StatusBadge({ status, className }: { status: Status; className?: string }) {
  const { t } = useI18n();
  return (
    <span
      data-status={status}
      className={cn(
        "inline-flex items-center rounded-md border px-2 py-0.5 text-xs font-medium whitespace-nowrap",
        STATUS_COLORS[status],
        className,
      )}
    >
      {t(`status.${status}`)}
    </span>
  );
}
