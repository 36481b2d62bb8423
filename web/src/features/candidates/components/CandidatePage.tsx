//! One candidate: the profile read from the resume (with its text and warnings), contacts, resume
//! files, applications with history, interviews, suitable vacancies.
import { useParams } from "react-router";
import {
  FileTextIcon,
  MailIcon,
  MapPinIcon,
  PencilIcon,
  PhoneIcon,
  TagIcon,
} from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/common/EmptyState";
import { NotFound } from "@/components/common/NotFound";
import { PageHeader } from "@/components/common/PageHeader";
import { useCurrentUser } from "@/components/layout/RequireAuth";
import { useApplications } from "@/features/applications/api";
import { ApplicationItem } from "@/features/applications/components/ApplicationItem";
import { AssignDialog } from "@/features/applications/components/AssignDialog";
import { ApiError } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { useCandidate, useUpdateCandidate } from "../api";
import { useCandidateMatches } from "@/features/matching/api";
import { MatchList } from "@/features/matching/components/MatchList";
import { CandidateEvaluations } from "@/features/evaluation/components/CandidateEvaluations";
import { CandidateRecordings } from "@/features/recordings/components/CandidateRecordings";
import { CandidateNotifications } from "@/features/notifications/components/CandidateNotifications";
import type { Candidate } from "../schema";
import { CandidateFormDialog } from "./CandidateFormDialog";
import { FlagWarning, ResumeHighlight, ResumeProfileSection, useResumeSelection } from "./ResumeProfile";

function ContactRow({ icon, label, value }: { icon: React.ReactNode; label: string; value: React.ReactNode }) {
  return (
    <div className="flex items-start gap-3 text-sm">
      <span className="text-muted-foreground mt-0.5 [&_svg]:size-4">{icon}</span>
      <div className="min-w-0">
        <p className="text-muted-foreground text-xs">{label}</p>
        <p className="break-words">{value || "—"}</p>
      </div>
    </div>
  );
}

function Matches({ candidateId }: { candidateId: string }) {
  const { t } = useI18n();
  const matches = useCandidateMatches(candidateId);
  return (
    <MatchList
      query={matches}
      show="vacancy"
      emptyNotYet={t("candidate.matchesEmpty")}
      emptyNone={t("candidate.matchesNone")}
    />
  );
}

function Resume({ candidate }: { candidate: Candidate }) {
  const { t, bytes, dateTime } = useI18n();
  if (candidate.resume_files.length === 0) {
    return (
      <EmptyState
        icon={<FileTextIcon />}
        title={t("candidate.resumeEmpty")}
        hint={t("candidate.resumeEmptyHint")}
        className="py-6"
      />
    );
  }
  return (
    <ul className="divide-y">
      {candidate.resume_files.map((f, i) => (
        <li key={f.key} className="flex items-center gap-3 py-2 text-sm">
          <FileTextIcon className="text-muted-foreground size-4" />
          <div className="min-w-0 flex-1">
            <a
              href={`/api/candidates/${candidate.id}/files/${i}`}
              download={f.file_name}
              className="text-primary block truncate font-medium hover:underline"
            >
              {f.file_name}
            </a>
            <p className="text-muted-foreground text-xs">
              {bytes(f.size)} · {dateTime(f.uploaded_at)}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function CandidatePage() {
  const { id } = useParams();
  const { t, td, date } = useI18n();
  const user = useCurrentUser();
  const candidate = useCandidate(id);
  const stored = candidate.data?.profile ?? null;
  const highlight = useResumeSelection(stored);
  const update = useUpdateCandidate(id ?? "");
  const apps = useApplications({ candidate_id: id, per_page: 100 }, !!id);

  if (candidate.isPending) {
    return (
      <div className="space-y-6">
        <Skeleton className="h-8 w-72" />
        <div className="grid gap-6 lg:grid-cols-3">
          <Skeleton className="h-64 lg:col-span-2" />
          <Skeleton className="h-64" />
        </div>
      </div>
    );
  }
  if (candidate.error) {
    if (candidate.error instanceof ApiError && candidate.error.status === 404) {
      return <NotFound title={t("candidate.notFound")} />;
    }
    return <EmptyState title={t("common.error")} hint={candidate.error.message} />;
  }
  const c = candidate.data;
  const applied = (apps.data?.items ?? []).map((a) => a.vacancy_id);

  return (
    <div className="space-y-6">
      <PageHeader
        title={<span data-testid="candidate-name">{c.full_name}</span>}
        subtitle={t("candidate.added", { date: date(c.created_at) })}
        actions={
          <>
            <AssignDialog candidateId={c.id} exclude={applied} />
            <CandidateFormDialog
              title={t("candidate.edit")}
              candidate={c}
              pending={update.isPending}
              onSubmit={async (input) => {
                await update.mutateAsync(input);
                toast.success(t("candidates.updated"));
              }}
              trigger={
                <Button variant="outline" data-testid="edit-candidate">
                  <PencilIcon /> {t("common.edit")}
                </Button>
              }
            />
          </>
        }
      />
      {stored && <FlagWarning flags={stored.profile.flags} />}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <CandidateEvaluations applications={apps.data?.items ?? []} />
          {stored && <ResumeProfileSection candidate={c} stored={stored} state={highlight} />}
          <Card>
            <CardHeader>
              <CardTitle>{t("candidate.matches")}</CardTitle>
            </CardHeader>
            <CardContent>
              <ResumeHighlight.Provider value={highlight.text ? highlight.pick : null}>
                <Matches candidateId={c.id} />
              </ResumeHighlight.Provider>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("candidate.applications")}</CardTitle>
            </CardHeader>
            <CardContent className="space-y-3">
              {apps.isPending ? (
                <Skeleton className="h-24 w-full" />
              ) : (apps.data?.items.length ?? 0) === 0 ? (
                <EmptyState title={t("candidate.applicationsEmpty")} className="py-6" />
              ) : (
                apps.data?.items.map((a) => <ApplicationItem key={a.id} app={a} role={user.role} />)
              )}
            </CardContent>
          </Card>
          <CandidateRecordings applications={apps.data?.items ?? []} />
        </div>
        <div className="space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>{t("candidate.contacts")}</CardTitle>
            </CardHeader>
            <CardContent className="space-y-3" data-testid="candidate-contacts">
              <ContactRow icon={<MailIcon />} label={t("candidate.field.email")} value={c.email && <a className="text-primary hover:underline" href={`mailto:${c.email}`}>{c.email}</a>} />
              <ContactRow icon={<PhoneIcon />} label={t("candidate.field.phone")} value={c.phone && <a className="hover:underline" href={`tel:${c.phone}`}>{c.phone}</a>} />
              <ContactRow icon={<MapPinIcon />} label={t("candidate.field.location")} value={c.location} />
              <ContactRow
                icon={<TagIcon />}
                label={t("candidate.field.source")}
                value={c.source ? td(`source.${c.source}`, c.source) : null}
              />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("candidate.resume")}</CardTitle>
            </CardHeader>
            <CardContent>
              <Resume candidate={c} />
            </CardContent>
          </Card>
          <CandidateNotifications candidateId={c.id} />
        </div>
      </div>
    </div>
  );
}
