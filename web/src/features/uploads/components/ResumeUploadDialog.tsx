//! Upload one or more resumes: each file shows its upload progress, then intake's result
//! (a new or updated candidate, or why the file was refused).
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { CheckCircle2Icon, FileTextIcon, Loader2Icon, UploadIcon, XCircleIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { UploadProgress } from "@/components/common/UploadProgress";
import { VacancySelect } from "@/features/vacancies/components/VacancySelect";
import { useI18n } from "@/lib/i18n";
import { uploadResume, useUploadStatus } from "../api";

type Row = { key: string; file: File; progress: number; uploadId: string | null; error: string | null };

function UploadRow({ row }: { row: Row }) {
  const { t, bytes } = useI18n();
  const qc = useQueryClient();
  const status = useUploadStatus(row.uploadId);
  const s = status.data?.status;
  useEffect(() => {
    if (s?.state !== "done") return;
    // A new candidate, perhaps already assigned to the vacancy the upload was made for.
    for (const key of ["candidates", "applications", "vacancy", "vacancies"]) {
      void qc.invalidateQueries({ queryKey: [key] });
    }
  }, [s?.state, qc]);

  let state: React.ReactNode;
  if (row.error) {
    state = (
      <p className="text-destructive flex items-center gap-1.5 text-xs" role="alert">
        <XCircleIcon className="size-3.5 shrink-0" /> {row.error}
      </p>
    );
  } else if (!row.uploadId) {
    state = <UploadProgress percent={row.progress} />;
  } else if (s?.state === "done") {
    state = (
      <p className="flex items-center gap-1.5 text-xs text-emerald-700">
        <CheckCircle2Icon className="size-3.5 shrink-0" />
        {s.updated_existing ? t("upload.updated") : t("upload.created")}
        <Link to={`/candidates/${s.candidate_id}`} className="text-primary font-medium hover:underline">
          {t("upload.openCandidate")}
        </Link>
      </p>
    );
  } else if (s?.state === "failed") {
    state = (
      <p className="text-destructive flex items-center gap-1.5 text-xs" role="alert">
        <XCircleIcon className="size-3.5 shrink-0" /> {status.data?.error ?? s.code}
      </p>
    );
  } else {
    state = (
      <p className="text-muted-foreground flex items-center gap-1.5 text-xs">
        <Loader2Icon className="size-3.5 animate-spin" /> {t("upload.processing")}
      </p>
    );
  }
  return (
    <li className="space-y-1.5 rounded-md border p-3" data-testid="upload-row" data-state={row.error ? "error" : (s?.state ?? "uploading")}>
      <div className="flex items-center gap-2 text-sm">
        <FileTextIcon className="text-muted-foreground size-4 shrink-0" />
        <span className="min-w-0 flex-1 truncate font-medium">{row.file.name}</span>
        <span className="text-muted-foreground text-xs">{bytes(row.file.size)}</span>
      </div>
      {state}
    </li>
  );
}

export function ResumeUploadDialog({ vacancyId: fixedVacancy }: { vacancyId?: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [vacancyId, setVacancyId] = useState<string | undefined>(fixedVacancy);
  const [rows, setRows] = useState<Row[]>([]);
  const input = useRef<HTMLInputElement>(null);

  const patch = (key: string, p: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...p } : r)));

  const start = (files: FileList) => {
    const added = [...files].map((file, i) => ({
      key: `${Date.now()}-${i}-${file.name}`,
      file,
      progress: 0,
      uploadId: null,
      error: null,
    }));
    setRows((rs) => [...added, ...rs]);
    for (const row of added) {
      uploadResume(row.file, vacancyId, (p) => patch(row.key, { progress: p })).then(
        (u) => patch(row.key, { uploadId: u.id }),
        (e: unknown) => patch(row.key, { error: e instanceof Error ? e.message : String(e) }),
      );
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setRows([]);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" data-testid="upload-resumes">
          <UploadIcon /> {t("upload.button")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("upload.title")}</DialogTitle>
          <DialogDescription>{t("upload.hint")}</DialogDescription>
        </DialogHeader>
        <div className="space-y-4">
          {!fixedVacancy && (
            <div className="space-y-2">
              <Label htmlFor="upload-vacancy">
                {t("upload.vacancy")} <span className="text-muted-foreground font-normal">({t("common.optional")})</span>
              </Label>
              <VacancySelect
                id="upload-vacancy"
                value={vacancyId}
                onChange={setVacancyId}
                placeholder={t("upload.noVacancy")}
                allLabel={t("upload.noVacancy")}
                state="open"
                className="w-full"
              />
            </div>
          )}
          <input
            ref={input}
            type="file"
            multiple
            className="sr-only"
            accept=".pdf,.docx,.txt,.md,application/pdf,text/plain,text/markdown"
            data-testid="resume-files"
            aria-label={t("upload.choose")}
            onChange={(e) => {
              if (e.target.files?.length) start(e.target.files);
              e.target.value = "";
            }}
          />
          <Button type="button" className="w-full" onClick={() => input.current?.click()}>
            <UploadIcon /> {t("upload.choose")}
          </Button>
          {rows.length > 0 && (
            <ul className="max-h-80 space-y-2 overflow-y-auto" data-testid="upload-rows">
              {rows.map((r) => (
                <UploadRow key={r.key} row={r} />
              ))}
            </ul>
          )}
        </div>
      </DialogContent>
    </Dialog>
  );
}
