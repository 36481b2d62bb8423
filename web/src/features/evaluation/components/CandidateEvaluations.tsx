//! The candidate page's section with an evaluation report for each application past the
//! interview; the decision is offered to the vacancy's manager (and admins).
import { ClipboardCheckIcon } from "lucide-react";
import { Link } from "react-router";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { StatusBadge } from "@/components/common/StatusBadge";
import { useCurrentUser } from "@/components/layout/RequireAuth";
import type { Application } from "@/features/applications/schema";
import { useVacancy } from "@/features/vacancies/api";
import { useI18n } from "@/lib/i18n";
import { useEvaluation } from "../api";
import { WITH_REPORT } from "../schema";
import { EvaluationReport } from "./EvaluationReport";

function EvaluationCard({ app }: { app: Application }) {
  const { t } = useI18n();
  const user = useCurrentUser();
  const vacancy = useVacancy(app.vacancy_id);
  const canDecide = user.role === "admin" || (user.role === "manager" && vacancy.data?.manager_id === user.id);
  // Shares the report's query; a final application without a report has nothing to show.
  const evaluation = useEvaluation(app.id, app.status === "evaluation");
  if ((app.status === "accepted" || app.status === "rejected") && evaluation.data === null) return null;
  return (
    <Card data-testid="evaluation" data-application={app.id} data-vacancy-title={app.vacancy_title}>
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2">
          <ClipboardCheckIcon className="text-muted-foreground size-5" />
          <span className="min-w-0">
            {t("eval.title")}{" "}
            <Link to={`/vacancies/${app.vacancy_id}`} className="hover:underline">
              {app.vacancy_title}
            </Link>
          </span>
          <StatusBadge status={app.status} className="ml-auto" />
        </CardTitle>
      </CardHeader>
      <CardContent>
        <EvaluationReport app={app} canDecide={canDecide} />
      </CardContent>
    </Card>
  );
}

export function CandidateEvaluations({ applications }: { applications: Application[] }) {
  const shown = applications.filter((a) => WITH_REPORT.has(a.status));
  return (
    <>
      {shown.map((a) => (
        <EvaluationCard key={a.id} app={a} />
      ))}
    </>
  );
}
