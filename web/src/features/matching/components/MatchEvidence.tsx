//! Why a match scored what it did: one row per requirement with the verdict, the quoted resume
//! text that supports it and the engine's reason.
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useResumeHighlight } from "@/features/candidates/components/ResumeProfile";
import { useVacancy } from "@/features/vacancies/api";
import type { Vacancy } from "@/features/vacancies/schema";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { verdictSubject, type Match, type Verdict } from "../schema";

const VERDICT_STYLE: Record<Verdict["verdict"], string> = {
  met: "bg-emerald-100 text-emerald-800 border-emerald-200",
  partial: "bg-amber-100 text-amber-800 border-amber-200",
  missing: "bg-rose-100 text-rose-800 border-rose-200",
};

export function VerdictBadge({ verdict }: { verdict: Verdict["verdict"] }) {
  const { t } = useI18n();
  return (
    <Badge variant="outline" className={VERDICT_STYLE[verdict]} data-testid="verdict" data-verdict={verdict}>
      {t(`match.verdict.${verdict}`)}
    </Badge>
  );
}

/** The quoted evidence; on the candidate page a click shows it in the resume text. */
function Quote({ text, onClick }: { text: string; onClick?: () => void }) {
  const { t } = useI18n();
  const quote = (
    <q
      className="line-clamp-3 text-xs leading-relaxed [quotes:none]"
      title={onClick ? undefined : text}
      data-testid="evidence-quote"
    >
      {text}
    </q>
  );
  if (!onClick) return quote;
  return (
    <button
      type="button"
      onClick={onClick}
      title={t("profile.showSource", { field: text })}
      className="hover:text-primary focus-visible:ring-ring/50 cursor-pointer rounded-sm text-left underline decoration-dotted underline-offset-4 outline-none focus-visible:ring-[3px]"
    >
      {quote}
    </button>
  );
}

function EvidenceTable({ match, vacancy }: { match: Match; vacancy: Vacancy | undefined }) {
  const { t, tn, lang } = useI18n();
  const highlight = useResumeHighlight();
  const detail = match.detail;
  if (!detail || detail.verdicts.length === 0) {
    return <p className="text-muted-foreground text-sm">{t("match.noDetail")}</p>;
  }
  const [open, close] = lang === "ru" ? ["«", "»"] : ["“", "”"];
  return (
    <div className="space-y-2">
      <p className="text-muted-foreground text-xs" data-testid="score-explain">
        {t("match.scoreExplain", { score: match.score })}
      </p>
      <Table data-testid="evidence-table" className="min-w-[36rem] table-fixed">
        <TableHeader>
          <TableRow>
            <TableHead className="w-[28%]">{t("match.col.requirement")}</TableHead>
            <TableHead className="w-[16%]">{t("match.col.verdict")}</TableHead>
            <TableHead className="w-[30%]">{t("match.col.evidence")}</TableHead>
            <TableHead>{t("match.col.reason")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {detail.verdicts.map((v, i) => {
            const subject = verdictSubject(vacancy, v.requirement_index);
            const req = subject?.kind === "requirement" ? subject.requirement : null;
            const implicit =
              subject?.kind === "experience"
                ? t("match.implicitExperience", { years: tn("common.yearsFrom", subject.years) })
                : null;
            // Without a requirement to name, the reason alone describes the row.
            const reasonAsLabel = !req && !implicit;
            return (
              <TableRow
                key={i}
                data-testid="evidence-row"
                data-scored={v.scored ? "true" : "false"}
                className={cn("align-top", !v.scored && "text-muted-foreground")}
              >
                <TableCell className="whitespace-normal">
                  {req ? (
                    <>
                      <p className="font-medium">{req.text}</p>
                      <p className="text-muted-foreground text-xs">
                        {t(`vacancyForm.kind.${req.kind}`)} · {t("vacancy.weight", { weight: req.weight })}
                      </p>
                    </>
                  ) : implicit ? (
                    <p className="font-medium">{implicit}</p>
                  ) : (
                    <p>{v.reason ?? "—"}</p>
                  )}
                </TableCell>
                <TableCell className="whitespace-normal">
                  <VerdictBadge verdict={v.verdict} />
                  {!v.scored && (
                    <p className="mt-1 text-xs italic" data-testid="not-scored">
                      {t("match.notScored")}
                    </p>
                  )}
                </TableCell>
                <TableCell className="whitespace-normal">
                  {v.evidence?.value ? (
                    <Quote
                      text={`${open}${v.evidence.value}${close}`}
                      onClick={highlight?.(req?.text ?? implicit ?? v.evidence.value, v.evidence.span)}
                    />
                  ) : (
                    <span className="text-muted-foreground">—</span>
                  )}
                </TableCell>
                <TableCell className="text-xs whitespace-normal">{reasonAsLabel ? "" : (v.reason ?? "—")}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {(match.engine || detail.rubric_version) && (
        <p className="text-muted-foreground text-[11px]">
          {t("match.engine", { engine: match.engine ?? "—", rubric: detail.rubric_version ?? "—" })}
        </p>
      )}
    </div>
  );
}

/** On the vacancy page the vacancy is at hand; elsewhere it is loaded when the row opens. */
export function MatchEvidence({ match, vacancy }: { match: Match; vacancy?: Vacancy }) {
  const loaded = useVacancy(vacancy ? undefined : match.vacancy_id);
  if (!vacancy && loaded.isPending) return <Skeleton className="h-24 w-full" />;
  return <EvidenceTable match={match} vacancy={vacancy ?? loaded.data} />;
}
