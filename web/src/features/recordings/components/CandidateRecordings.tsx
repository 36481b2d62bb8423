//! The candidate page's "Записи собеседований" card: every recorded session of the candidate's
//! applications, each with its player, chapters and transcript; an empty state when none.
import { VideoIcon } from "lucide-react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/common/EmptyState";
import type { Application } from "@/features/applications/schema";
import { useI18n } from "@/lib/i18n";
import { useRecordings } from "../api";
import { formatPosition, type RecordingList } from "../schema";
import { RecordingPlayer } from "./RecordingPlayer";

type Section = { app: Pick<Application, "id" | "vacancy_title">; list: RecordingList | undefined };

/** What the card shows once loaded; separate from the queries so that it renders in tests. */
export function RecordingsBody({ sections, onLinkFailed }: { sections: Section[]; onLinkFailed?: (applicationId: string) => void }) {
  const { t, dateTime } = useI18n();
  const withRecordings = sections.filter((s) => (s.list?.recordings.length ?? 0) > 0);
  if (withRecordings.length === 0) {
    return <EmptyState icon={<VideoIcon />} title={t("candidate.interviewsEmpty")} className="py-6" />;
  }
  const days = withRecordings[0].list?.retention_days;
  return (
    <div className="space-y-6">
      {withRecordings.map(({ app, list }) => (
        <section key={app.id} className="space-y-4" data-testid="recordings-of-application" data-application={app.id}>
          {sections.length > 1 && <h3 className="font-medium">{t("rec.vacancy", { title: app.vacancy_title })}</h3>}
          {list?.recordings.map((r) => (
            <div key={r.session_id} className="space-y-2">
              <p className="text-muted-foreground text-xs">
                {t("rec.session", { date: dateTime(r.started_at), duration: formatPosition(r.duration_ms) })}
              </p>
              <RecordingPlayer recording={r} onLinkFailed={() => onLinkFailed?.(app.id)} />
            </div>
          ))}
        </section>
      ))}
      {days !== undefined && <p className="text-muted-foreground text-xs">{t("rec.retention", { days })}</p>}
    </div>
  );
}

export function CandidateRecordings({ applications }: { applications: Application[] }) {
  const { t } = useI18n();
  const queries = useRecordings(applications.map((a) => a.id));
  const failed = queries.find((q) => q.error);
  return (
    <Card data-testid="candidate-recordings">
      <CardHeader>
        <CardTitle>{t("candidate.interviews")}</CardTitle>
      </CardHeader>
      <CardContent>
        {queries.some((q) => q.isPending) ? (
          <Skeleton className="h-24 w-full" />
        ) : failed?.error ? (
          <EmptyState icon={<VideoIcon />} title={t("rec.loadError", { message: failed.error.message })} className="py-6" />
        ) : (
          <RecordingsBody
            sections={applications.map((app, i) => ({ app, list: queries[i]?.data }))}
            onLinkFailed={(id) => void queries[applications.findIndex((a) => a.id === id)]?.refetch()}
          />
        )}
      </CardContent>
    </Card>
  );
}
