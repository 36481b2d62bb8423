//! The evaluation report of one application: score, recommendation and the rule that gave it,
//! the requirement matrix with quotes (interview quotes jump to their turn in the transcript),
//! signals, strengths and gaps, the transcript, and the manager's decision.
import { useCallback, useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { FlagIcon, HourglassIcon, InfoIcon, ThumbsDownIcon, ThumbsUpIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import type { Application } from "@/features/applications/schema";
import { RecordingMoment } from "@/features/recordings/components/RecordingMoment";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { useEvaluation } from "../api";
import type { Evaluation, Flag, RequirementEvaluation } from "../schema";
import { DecisionPanel } from "./DecisionPanel";
import { Transcript, turnAnchor } from "./Transcript";

const REC_STYLE: Record<string, string> = {
  advance: "bg-emerald-100 text-emerald-800 border-emerald-200",
  borderline: "bg-amber-100 text-amber-800 border-amber-200",
  reject: "bg-rose-100 text-rose-800 border-rose-200",
};

const VERDICT_STYLE: Record<string, string> = {
  met: "bg-emerald-100 text-emerald-800 border-emerald-200",
  partial: "bg-amber-100 text-amber-800 border-amber-200",
  not_met: "bg-rose-100 text-rose-800 border-rose-200",
  unknown: "bg-slate-100 text-slate-700 border-slate-200",
};

export function RecommendationBadge({ value }: { value: string }) {
  const { td } = useI18n();
  return (
    <Badge variant="outline" className={cn("text-sm", REC_STYLE[value])} data-testid="recommendation" data-value={value}>
      {td(`eval.rec.${value}`, value)}
    </Badge>
  );
}

function Score({ score }: { score: number }) {
  const { t } = useI18n();
  const tone = score >= 70 ? "text-emerald-700" : score >= 40 ? "text-amber-700" : "text-rose-700";
  return (
    <div className="text-center">
      <p className={cn("text-4xl leading-none font-bold tabular-nums", tone)} data-testid="eval-score">
        {Math.round(score)}
      </p>
      <p className="text-muted-foreground mt-1 text-xs">
        {t("eval.score")} {t("eval.scoreOf")}
      </p>
    </div>
  );
}

function Quote({ children, className }: { children: React.ReactNode; className?: string }) {
  return <q className={cn("before:content-['«'] after:content-['»']", className)}>{children}</q>;
}

function Row({
  req,
  applicationId,
  onTurn,
}: {
  req: RequirementEvaluation;
  applicationId: string;
  onTurn: (turn: number) => void;
}) {
  const { t, td } = useI18n();
  return (
    <li className="grid gap-3 py-3 sm:grid-cols-[minmax(0,14rem)_minmax(0,1fr)]" data-testid="eval-requirement">
      <div className="space-y-1.5">
        <p className="font-medium break-words">{req.text}</p>
        <div className="flex flex-wrap items-center gap-1.5">
          <Badge variant={req.must ? "default" : "secondary"}>{req.must ? t("eval.must") : t("eval.nice")}</Badge>
          <span className="text-muted-foreground text-xs">
            {t("eval.col.weight")}: {req.weight}
          </span>
          {!req.scored && <span className="text-muted-foreground text-xs">· {t("eval.notScored")}</span>}
        </div>
        <Badge variant="outline" className={VERDICT_STYLE[req.verdict]} data-testid="eval-verdict" data-verdict={req.verdict}>
          {td(`eval.verdict.${req.verdict}`, req.verdict)}
        </Badge>
      </div>
      <div className="min-w-0 space-y-2 text-sm">
        {req.reason && <p className="text-muted-foreground text-xs">{req.reason}</p>}
        <div>
          <p className="text-xs font-medium">
            {t("eval.fromResume")}:{" "}
            <span className="text-muted-foreground font-normal">
              {req.resume ? td(`eval.resume.${req.resume}`, req.resume) : t("eval.resume.none")}
            </span>
          </p>
          {req.resume_evidence.length > 0 && (
            <ul className="mt-1 space-y-1">
              {req.resume_evidence.map((q, i) => (
                <li key={i} className="border-l-2 border-slate-300 pl-2 text-xs" data-testid="resume-quote">
                  <Quote>{q.text}</Quote>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <p className="text-xs font-medium">
            {t("eval.fromInterview")}:{" "}
            <span className="text-muted-foreground font-normal">
              {req.interview ? td(`eval.finding.${req.interview}`, req.interview) : "—"}
            </span>
          </p>
          {req.interview_evidence.length > 0 && (
            <ul className="mt-1 space-y-1">
              {req.interview_evidence.map((q, i) => (
                <li key={i} className="border-primary/40 border-l-2 pl-2 text-xs">
                  <a
                    href={`#${turnAnchor(applicationId, q.turn)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      onTurn(q.turn);
                    }}
                    className="group hover:bg-primary/5 -mx-1 block rounded px-1"
                    aria-label={t("eval.toTurn", { turn: q.turn })}
                    data-testid="interview-quote"
                    data-turn={q.turn}
                  >
                    <Quote>{q.text}</Quote>{" "}
                    <span className="text-primary whitespace-nowrap group-hover:underline">({t("eval.turn", { turn: q.turn })})</span>
                  </a>
                  <RecordingMoment applicationId={applicationId} turn={q.turn} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </li>
  );
}

function Flags({ flags, onTurn }: { flags: Flag[]; onTurn: (turn: number) => void }) {
  const { t, td } = useI18n();
  if (flags.length === 0) return null;
  const sorted = [...flags].sort((a, b) => Number(b.red) - Number(a.red));
  return (
    <section className="space-y-2" data-testid="eval-flags">
      <h4 className="text-sm font-semibold">{t("eval.flags")}</h4>
      <ul className="space-y-2">
        {sorted.map((f, i) => (
          <li
            key={i}
            className={cn(
              "flex gap-2 rounded-md border p-2.5 text-sm",
              f.red ? "border-rose-200 bg-rose-50 text-rose-900" : "bg-muted/40",
            )}
            data-testid="eval-flag"
            data-red={f.red || undefined}
          >
            {f.red ? <FlagIcon className="mt-0.5 size-4 shrink-0" /> : <InfoIcon className="text-muted-foreground mt-0.5 size-4 shrink-0" />}
            <div className="min-w-0">
              <p className="font-medium">
                {f.red && <span className="sr-only">{t("eval.redFlag")}: </span>}
                {td(`eval.flag.${f.kind}`, f.kind)}
              </p>
              {f.detail && <p className="text-xs opacity-80">{f.detail}</p>}
              {f.turns.length > 0 && (
                <p className="mt-1 flex flex-wrap gap-x-2 text-xs">
                  {f.turns.map((turn) => (
                    <button key={turn} type="button" className="text-primary hover:underline" onClick={() => onTurn(turn)}>
                      {t("eval.turn", { turn })}
                    </button>
                  ))}
                </p>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function List({ title, items, icon, testId }: { title: string; items: string[]; icon: React.ReactNode; testId: string }) {
  const { t } = useI18n();
  return (
    <section className="space-y-2" data-testid={testId}>
      <h4 className="flex items-center gap-1.5 text-sm font-semibold [&_svg]:size-4">
        {icon} {title}
      </h4>
      {items.length === 0 ? (
        <p className="text-muted-foreground text-sm">{t("eval.none")}</p>
      ) : (
        <ul className="list-disc space-y-1 pl-5 text-sm">
          {items.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Report({
  app,
  evaluation: ev,
  createdAt,
  onTurn,
  children,
}: {
  app: Application;
  evaluation: Evaluation;
  createdAt: string;
  onTurn: (turn: number) => void;
  children?: React.ReactNode;
}) {
  const { t, dateTime } = useI18n();
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start gap-5">
        <Score score={ev.score} />
        <div className="min-w-0 flex-1 space-y-2">
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-muted-foreground text-sm">{t("eval.recommendation")}:</span>
            <RecommendationBadge value={ev.recommendation} />
          </div>
          <p className="text-sm" data-testid="eval-rule-applied">
            <span className="font-medium">{t("eval.ruleApplied")}: </span>
            {ev.rule_applied}
          </p>
          <details className="text-muted-foreground text-xs">
            <summary className="cursor-pointer">{t("eval.rule")}</summary>
            <p className="mt-1" data-testid="eval-rule">
              {ev.rule}
            </p>
          </details>
        </div>
      </div>
      {children}
      <section>
        <h4 className="text-sm font-semibold">{t("eval.matrix")}</h4>
        <ul className="divide-y" data-testid="eval-matrix">
          {ev.requirements.map((r, i) => (
            <Row key={`${r.requirement ?? "x"}-${i}`} req={r} applicationId={app.id} onTurn={onTurn} />
          ))}
        </ul>
      </section>
      <p className="text-muted-foreground text-xs">
        {t("eval.summary", {
          questions: ev.summary.questions,
          follow_ups: ev.summary.follow_ups,
          specific: ev.summary.specific_answers,
        })}
        {" · "}
        {t("eval.meta", { engine: ev.engine, rubric: ev.rubric_version, date: dateTime(createdAt) })}
        {ev.dropped_quotes > 0 && ` · ${t("eval.dropped", { count: ev.dropped_quotes })}`}
      </p>
    </div>
  );
}

/** The report card body for one application (the caller draws the card). */
export function EvaluationReport({ app, canDecide }: { app: Application; canDecide: boolean }) {
  const { t } = useI18n();
  const evaluation = useEvaluation(app.id, app.status === "evaluation");
  const qc = useQueryClient();
  const arrived = app.status === "evaluation" && !!evaluation.data;
  // The report is in, so the worker has moved the application on: fetch its new status.
  useEffect(() => {
    if (arrived) {
      void qc.invalidateQueries({ queryKey: ["applications"] });
      void qc.invalidateQueries({ queryKey: ["history"] });
    }
  }, [arrived, qc]);
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const goToTurn = useCallback(
    (turn: number) => {
      setHighlighted(turn);
      document.getElementById(turnAnchor(app.id, turn))?.scrollIntoView({ behavior: "smooth", block: "center" });
    },
    [app.id],
  );
  const decision =
    app.status === "awaiting_manager_decision" &&
    (canDecide ? (
      <DecisionPanel
        applicationId={app.id}
        candidateName={app.candidate_name}
        recommendation={evaluation.data?.evaluation.recommendation ?? null}
      />
    ) : (
      <p className="text-muted-foreground text-sm">{t("eval.notYours")}</p>
    ));

  if (evaluation.isPending) return <Skeleton className="h-40 w-full" />;
  if (evaluation.error) return <p className="text-destructive text-sm">{evaluation.error.message}</p>;
  const data = evaluation.data;
  if (!data) {
    const preparing = app.status === "evaluation";
    return (
      <div className="space-y-4">
        <div className="bg-muted/40 flex items-start gap-3 rounded-lg border p-4" data-testid={preparing ? "eval-pending" : "eval-missing"}>
          {preparing ? <HourglassIcon className="text-muted-foreground mt-0.5 size-5 animate-pulse" /> : <InfoIcon className="text-muted-foreground mt-0.5 size-5" />}
          <div>
            <p className="font-medium">{preparing ? t("eval.pending") : t("eval.missing")}</p>
            <p className="text-muted-foreground text-sm">{preparing ? t("eval.pendingHint") : t("eval.missingHint")}</p>
          </div>
        </div>
        {decision}
      </div>
    );
  }
  const ev = data.evaluation;
  return (
    <div className="space-y-6" data-testid="eval-report">
      <Report app={app} evaluation={ev} createdAt={data.created_at} onTurn={goToTurn}>
        {decision}
      </Report>
      <div className="grid gap-5 md:grid-cols-2">
        <List title={t("eval.strengths")} items={ev.strengths} icon={<ThumbsUpIcon />} testId="eval-strengths" />
        <List title={t("eval.gaps")} items={ev.gaps} icon={<ThumbsDownIcon />} testId="eval-gaps" />
      </div>
      <Flags flags={ev.flags} onTurn={goToTurn} />
      <section className="space-y-2">
        <h4 className="text-sm font-semibold">{t("eval.transcript")}</h4>
        <Transcript applicationId={app.id} turns={data.interview.turns} highlighted={highlighted} />
      </section>
    </div>
  );
}
