//! A ranked list of matches with their scores; an "assign" action for pairs without an application.
import { Link } from "react-router";
import { CheckIcon, PlusIcon, SparklesIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/common/EmptyState";
import { useCreateApplication } from "@/features/applications/api";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import type { Match } from "../schema";

function ScoreBar({ score }: { score: number }) {
  const colour = score >= 70 ? "bg-emerald-500" : score >= 40 ? "bg-amber-500" : "bg-slate-400";
  return (
    <div className="flex items-center gap-2" title={`${score}/100`}>
      <div className="bg-muted h-1.5 w-16 overflow-hidden rounded-full">
        <div className={cn("h-full rounded-full", colour)} style={{ width: `${score}%` }} />
      </div>
      <span className="w-8 text-right text-xs font-semibold tabular-nums">{score}</span>
    </div>
  );
}

export function MatchList({
  query,
  show,
  emptyNotYet,
  emptyNone,
  canAssign = true,
}: {
  query: { isPending: boolean; data: { items: Match[] } | null | undefined };
  /** Which side of the pair to name: the vacancy (candidate page) or the candidate (vacancy page). */
  show: "vacancy" | "candidate";
  emptyNotYet: string;
  emptyNone: string;
  canAssign?: boolean;
}) {
  const { t } = useI18n();
  const assign = useCreateApplication();
  if (query.isPending) return <Skeleton className="h-16 w-full" />;
  if (!query.data) return <EmptyState icon={<SparklesIcon />} title={emptyNotYet} className="py-6" />;
  if (query.data.items.length === 0) return <p className="text-muted-foreground text-sm">{emptyNone}</p>;
  return (
    <ul className="divide-y" data-testid="match-list">
      {query.data.items.map((m) => (
        <li key={`${m.candidate_id}:${m.vacancy_id}`} className="flex items-center gap-3 py-2 text-sm">
          <Link
            to={show === "vacancy" ? `/vacancies/${m.vacancy_id}` : `/candidates/${m.candidate_id}`}
            className="min-w-0 flex-1 truncate hover:underline"
          >
            {show === "vacancy" ? m.vacancy_title : m.candidate_name}
          </Link>
          <ScoreBar score={m.score} />
          {m.applied ? (
            <span className="text-muted-foreground inline-flex w-8 justify-center" title={t("match.applied")}>
              <CheckIcon className="size-4" />
              <span className="sr-only">{t("match.applied")}</span>
            </span>
          ) : (
            canAssign && (
              <Button
                size="icon"
                variant="ghost"
                className="size-8"
                aria-label={t("match.assign", { name: show === "vacancy" ? m.vacancy_title : m.candidate_name })}
                title={t("candidate.assign")}
                disabled={assign.isPending}
                onClick={() =>
                  assign.mutate(
                    { candidate_id: m.candidate_id, vacancy_id: m.vacancy_id },
                    { onSuccess: () => toast.success(t("candidate.assigned")) },
                  )
                }
              >
                <PlusIcon />
              </Button>
            )
          )}
        </li>
      ))}
    </ul>
  );
}
