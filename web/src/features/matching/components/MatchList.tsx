//! A ranked list of matches with their scores; each opens to the per-requirement evidence, and
//! pairs without an application have an "assign" action.
import { useState } from "react";
import { Link } from "react-router";
import { CheckIcon, ChevronDownIcon, ChevronRightIcon, PlusIcon, SparklesIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/common/EmptyState";
import { useCreateApplication } from "@/features/applications/api";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import type { Vacancy } from "@/features/vacancies/schema";
import type { Match } from "../schema";
import { MatchEvidence } from "./MatchEvidence";

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
  vacancy,
}: {
  query: { isPending: boolean; data: { items: Match[] } | null | undefined };
  /** Which side of the pair to name: the vacancy (candidate page) or the candidate (vacancy page). */
  show: "vacancy" | "candidate";
  emptyNotYet: string;
  emptyNone: string;
  canAssign?: boolean;
  /** The vacancy all matches belong to (the vacancy page), for naming its requirements. */
  vacancy?: Vacancy;
}) {
  const { t } = useI18n();
  const assign = useCreateApplication();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  if (query.isPending) return <Skeleton className="h-16 w-full" />;
  if (!query.data) return <EmptyState icon={<SparklesIcon />} title={emptyNotYet} className="py-6" />;
  if (query.data.items.length === 0) return <p className="text-muted-foreground text-sm">{emptyNone}</p>;
  return (
    <ul className="divide-y" data-testid="match-list">
      {query.data.items.map((m) => {
        const key = `${m.candidate_id}:${m.vacancy_id}`;
        const open = expanded.has(key);
        const name = show === "vacancy" ? m.vacancy_title : m.candidate_name;
        return (
          <li key={key} className="py-2 text-sm" data-testid="match-item">
            <div className="flex items-center gap-2">
              <Button
                size="icon"
                variant="ghost"
                className="size-7"
                aria-expanded={open}
                aria-label={`${open ? t("match.hideDetails") : t("match.details")}: ${name}`}
                title={open ? t("match.hideDetails") : t("match.details")}
                data-testid="match-expand"
                onClick={() => toggle(key)}
              >
                {open ? <ChevronDownIcon /> : <ChevronRightIcon />}
              </Button>
              <Link
                to={show === "vacancy" ? `/vacancies/${m.vacancy_id}` : `/candidates/${m.candidate_id}`}
                className="min-w-0 flex-1 truncate hover:underline"
              >
                {name}
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
                    aria-label={t("match.assign", { name })}
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
            </div>
            {open && (
              <div className="mt-2 mb-1 ml-9 rounded-md border p-3" data-testid="match-evidence">
                <MatchEvidence match={m} vacancy={vacancy} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
