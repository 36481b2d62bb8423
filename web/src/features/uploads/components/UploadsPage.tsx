//! Every resume upload with what intake made of it: still processing, a new or updated candidate,
//! or why the file was refused. Refreshes itself while any file is in progress.
import { Link, useSearchParams } from "react-router";
import {
  BriefcaseIcon,
  CheckCircle2Icon,
  ClockIcon,
  FileTextIcon,
  Loader2Icon,
  UploadCloudIcon,
  XCircleIcon,
} from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState } from "@/components/common/EmptyState";
import { PageHeader } from "@/components/common/PageHeader";
import { Pagination } from "@/components/common/Pagination";
import { useVacancy } from "@/features/vacancies/api";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { useUploads } from "../api";
import { isSettled, type UploadView } from "../schema";
import { CandidateName } from "./CandidateName";
import { ResumeUploadDialog } from "./ResumeUploadDialog";

const PER_PAGE = 20;

const STATE_STYLE: Record<UploadView["status"]["state"], string> = {
  pending: "bg-slate-100 text-slate-700 border-slate-200",
  uploaded: "bg-sky-100 text-sky-800 border-sky-200",
  done: "bg-emerald-100 text-emerald-800 border-emerald-200",
  failed: "bg-rose-100 text-rose-800 border-rose-200",
};

function StateIcon({ state }: { state: UploadView["status"]["state"] }) {
  if (state === "done") return <CheckCircle2Icon />;
  if (state === "failed") return <XCircleIcon />;
  if (state === "uploaded") return <Loader2Icon className="animate-spin" />;
  return <ClockIcon />;
}

/** The vacancy an upload was made for (the candidate is assigned to it); cached per vacancy. */
function VacancyLink({ id }: { id: string }) {
  const vacancy = useVacancy(id);
  return (
    <Link
      to={`/vacancies/${id}`}
      className="text-muted-foreground hover:text-primary ml-6 flex items-center gap-1 truncate text-xs hover:underline"
      data-testid="upload-vacancy"
    >
      <BriefcaseIcon className="size-3 shrink-0" />
      <span className="truncate">{vacancy.data?.title ?? "…"}</span>
    </Link>
  );
}

/** The status cell: a badge, then the candidate link or the server's reason for refusing. */
export function UploadStatusCell({ upload }: { upload: UploadView }) {
  const { t, lang } = useI18n();
  const s = upload.status;
  return (
    <div className="space-y-1">
      <Badge variant="outline" className={STATE_STYLE[s.state]} data-testid="upload-state">
        <StateIcon state={s.state} />
        {t(`uploads.state.${s.state}`)}
      </Badge>
      {s.state === "done" && (
        <p className="text-xs">
          <Link to={`/candidates/${s.candidate_id}`} className="text-primary font-medium hover:underline" data-testid="upload-candidate">
            <CandidateName id={s.candidate_id} fallback={t("uploads.openCandidate")} />
          </Link>
          <span className="text-muted-foreground">
            {" · "}
            {s.updated_existing ? t("uploads.updatedExisting") : t("uploads.createdNew")}
          </span>
        </p>
      )}
      {s.state === "failed" && (
        <div className="text-xs">
          <p className="text-destructive" data-testid="upload-error">
            {upload.error ?? (lang === "ru" ? s.message_ru : s.message_en)}
          </p>
          <p className="text-muted-foreground font-mono text-[11px]">{t("uploads.code", { code: s.code })}</p>
        </div>
      )}
    </div>
  );
}

export function UploadsPage() {
  const { t, tn, bytes, dateTime } = useI18n();
  const [params, setParams] = useSearchParams();
  const mine = params.get("mine") === "true";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const uploads = useUploads({ mine, page, per_page: PER_PAGE });
  const items = uploads.data?.items ?? [];
  const busy = items.some((u) => !isSettled(u.status));

  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v === null) next.delete(k);
    else next.set(k, v);
    if (k !== "page") next.delete("page");
    setParams(next);
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title={t("uploads.title")}
        subtitle={uploads.data ? tn("uploads.count", uploads.data.total) : undefined}
        actions={<ResumeUploadDialog />}
      />
      <div className="flex flex-wrap items-center gap-4">
        <div className="flex items-center gap-2">
          <Checkbox
            id="uploads-mine"
            checked={mine}
            onCheckedChange={(c) => set("mine", c === true ? "true" : null)}
            data-testid="uploads-mine"
          />
          <Label htmlFor="uploads-mine">{t("uploads.mine")}</Label>
        </div>
        {busy && (
          <span className="text-muted-foreground inline-flex items-center gap-1.5 text-xs" data-testid="uploads-refreshing">
            <Loader2Icon className="size-3.5 animate-spin" /> {t("uploads.refreshing")}
          </span>
        )}
      </div>
      {uploads.isPending ? (
        <Skeleton className="h-64 w-full" />
      ) : items.length === 0 ? (
        <EmptyState icon={<UploadCloudIcon />} title={t("uploads.empty")} hint={t("uploads.emptyHint")} />
      ) : (
        <div className="rounded-lg border">
          <Table data-testid="uploads-table">
            <TableHeader>
              <TableRow>
                <TableHead>{t("uploads.col.file")}</TableHead>
                <TableHead className="hidden w-28 md:table-cell">{t("uploads.col.size")}</TableHead>
                <TableHead className="hidden w-48 md:table-cell">{t("uploads.col.time")}</TableHead>
                <TableHead className="w-[38%]">{t("uploads.col.status")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody className={cn(uploads.isPlaceholderData && "opacity-60")}>
              {items.map((u) => (
                <TableRow key={u.id} data-testid="upload-item" data-state={u.status.state} className="align-top">
                  <TableCell className="max-w-0 min-w-40">
                    <span className="flex items-center gap-2">
                      <FileTextIcon className="text-muted-foreground size-4 shrink-0" />
                      <span className="truncate font-medium" title={u.file_name} data-testid="upload-file-name">
                        {u.file_name}
                      </span>
                    </span>
                    <p className="text-muted-foreground ml-6 truncate text-xs md:hidden">
                      {bytes(u.size)} · {dateTime(u.created_at)}
                    </p>
                    {u.vacancy_id && <VacancyLink id={u.vacancy_id} />}
                  </TableCell>
                  <TableCell className="text-muted-foreground hidden tabular-nums md:table-cell">{bytes(u.size)}</TableCell>
                  <TableCell className="text-muted-foreground hidden md:table-cell">{dateTime(u.created_at)}</TableCell>
                  <TableCell className="whitespace-normal">
                    <UploadStatusCell upload={u} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {uploads.data && (
        <Pagination
          page={page}
          perPage={PER_PAGE}
          total={uploads.data.total}
          onPage={(p) => set("page", String(p))}
        />
      )}
    </div>
  );
}
