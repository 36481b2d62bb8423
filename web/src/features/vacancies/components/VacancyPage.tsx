//! One vacancy: description, requirements, its pipeline by stage, and edit / close / invite.
import { Link, useParams } from "react-router";
import { GlobeIcon, KanbanSquareIcon, LockIcon, MapPinIcon, PencilIcon, WifiIcon } from "lucide-react";
import { toast } from "sonner";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/common/EmptyState";
import { NotFound } from "@/components/common/NotFound";
import { PageHeader } from "@/components/common/PageHeader";
import { STATUS_DOT } from "@/components/common/StatusBadge";
import { useCurrentUser } from "@/components/layout/RequireAuth";
import { useApplications } from "@/features/applications/api";
import { can } from "@/features/auth/schema";
import { ApiError } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { STATUSES } from "@/lib/schema";
import { cn } from "@/lib/utils";
import { useRecommendations } from "@/features/matching/api";
import { ResumeUploadDialog } from "@/features/uploads/components/ResumeUploadDialog";
import { MatchList } from "@/features/matching/components/MatchList";
import { useCloseVacancy, useVacancy } from "../api";
import type { Vacancy } from "../schema";
import { FunnelBars } from "./Funnel";
import { InviteDialog } from "./InviteDialog";

function CloseButton({ vacancy }: { vacancy: Vacancy }) {
  const { t } = useI18n();
  const close = useCloseVacancy(vacancy.id);
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" className="text-destructive hover:text-destructive" data-testid="close-vacancy">
          <LockIcon /> {t("vacancy.close")}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{t("vacancy.closeTitle")}</AlertDialogTitle>
          <AlertDialogDescription>{t("vacancy.closeDescription", { title: vacancy.title })}</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>{t("common.cancel")}</AlertDialogCancel>
          <AlertDialogAction
            data-testid="confirm-close"
            onClick={() => close.mutate(undefined, { onSuccess: () => toast.success(t("vacancy.closed")) })}
          >
            {t("vacancy.close")}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

function Pipeline({ vacancyId }: { vacancyId: string }) {
  const { t } = useI18n();
  const apps = useApplications({ vacancy_id: vacancyId, per_page: 100 });
  if (apps.isPending) return <Skeleton className="h-40 w-full" />;
  const items = apps.data?.items ?? [];
  if (items.length === 0) return <EmptyState title={t("vacancy.pipelineEmpty")} className="py-6" />;
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="vacancy-pipeline">
      {STATUSES.map((s) => {
        const inStage = items.filter((a) => a.status === s);
        return (
          <div key={s} className="rounded-lg border p-3">
            <h4 className="mb-2 flex items-center gap-2 text-sm font-semibold">
              <span className={cn("size-2 rounded-full", STATUS_DOT[s])} />
              {t(`status.${s}`)}
              <span className="text-muted-foreground ml-auto text-xs">{inStage.length}</span>
            </h4>
            <ul className="space-y-1">
              {inStage.map((a) => (
                <li key={a.id}>
                  <Link to={`/candidates/${a.candidate_id}`} className="text-sm hover:underline">
                    {a.candidate_name}
                  </Link>
                </li>
              ))}
              {inStage.length === 0 && <li className="text-muted-foreground text-xs">—</li>}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

function Recommendations({ vacancy }: { vacancy: Vacancy }) {
  const { t } = useI18n();
  const recs = useRecommendations(vacancy.id);
  return (
    <MatchList
      query={recs}
      show="candidate"
      vacancy={vacancy}
      canAssign={vacancy.state === "open"}
      emptyNotYet={t("vacancy.recommendedEmpty")}
      emptyNone={t("vacancy.recommendedNone")}
    />
  );
}

export function VacancyPage() {
  const { id } = useParams();
  const { t, tn, date } = useI18n();
  const user = useCurrentUser();
  const vacancy = useVacancy(id);

  if (vacancy.isPending) {
    return (
      <div className="space-y-6">
        <Skeleton className="h-8 w-80" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (vacancy.error) {
    if (vacancy.error instanceof ApiError && vacancy.error.status === 404) {
      return <NotFound title={t("vacancy.notFound")} />;
    }
    return <EmptyState title={t("common.error")} hint={vacancy.error.message} />;
  }
  const v = vacancy.data;
  const manage = can.editVacancy(user, v) && v.state === "open";

  return (
    <div className="space-y-6">
      <PageHeader
        title={<span data-testid="vacancy-title">{v.title}</span>}
        subtitle={
          <span className="flex flex-wrap items-center gap-3">
            <Badge variant={v.state === "open" ? "secondary" : "outline"} data-testid="vacancy-state">
              {t(`vacancy.state.${v.state}`)}
            </Badge>
            {v.location && (
              <span className="inline-flex items-center gap-1">
                <MapPinIcon className="size-3.5" /> {v.location}
              </span>
            )}
            <span className="inline-flex items-center gap-1">
              <WifiIcon className="size-3.5" /> {v.remote ? t("vacancy.remote") : t("vacancy.onsite")}
            </span>
            <span className="inline-flex items-center gap-1">
              <GlobeIcon className="size-3.5" /> {t(`vacancy.language.${v.language}`)}
            </span>
            {v.min_experience_years != null && (
              <span>{t("vacancy.minExperience", { years: tn("common.yearsFrom", v.min_experience_years) })}</span>
            )}
            <span>{date(v.created_at)}</span>
          </span>
        }
        actions={
          <>
            <Button variant="outline" asChild>
              <Link to={`/candidates?view=board&vacancy_id=${v.id}`}>
                <KanbanSquareIcon /> {t("vacancy.openBoard")}
              </Link>
            </Button>
            {v.state === "open" && <ResumeUploadDialog vacancyId={v.id} />}
            {v.state === "open" && <InviteDialog vacancyId={v.id} />}
            {manage && (
              <Button variant="outline" asChild>
                <Link to={`/vacancies/${v.id}/edit`} data-testid="edit-vacancy">
                  <PencilIcon /> {t("common.edit")}
                </Link>
              </Button>
            )}
            {manage && <CloseButton vacancy={v} />}
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <CardHeader>
              <CardTitle>{t("vacancy.description")}</CardTitle>
            </CardHeader>
            <CardContent>
              <p className="text-sm leading-relaxed whitespace-pre-wrap" data-testid="vacancy-description">
                {v.description || "—"}
              </p>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("vacancy.recommended")}</CardTitle>
            </CardHeader>
            <CardContent>
              <Recommendations vacancy={v} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("vacancy.pipeline")}</CardTitle>
            </CardHeader>
            <CardContent>
              <Pipeline vacancyId={v.id} />
            </CardContent>
          </Card>
        </div>
        <div className="space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>{t("vacancy.requirements")}</CardTitle>
            </CardHeader>
            <CardContent>
              {v.requirements.length === 0 ? (
                <p className="text-muted-foreground text-sm">{t("vacancy.requirementsEmpty")}</p>
              ) : (
                <ul className="space-y-2" data-testid="vacancy-requirements">
                  {v.requirements.map((r, i) => (
                    <li key={i} className="flex items-start gap-2 text-sm">
                      <Badge variant={r.kind === "must" ? "default" : "secondary"} className="mt-0.5">
                        {t(`vacancyForm.kind.${r.kind}`)}
                      </Badge>
                      <div className="min-w-0 flex-1">
                        <p>{r.text}</p>
                        <p className="text-muted-foreground text-xs">
                          {t("vacancy.weight", { weight: r.weight })}
                          {r.min_years != null && ` · ${tn("common.years", r.min_years)}`}
                        </p>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("vacancies.funnel")}</CardTitle>
            </CardHeader>
            <CardContent>
              <FunnelBars stats={v.stats} />
            </CardContent>
          </Card>
        </div>
      </div>
    </div>
  );
}
