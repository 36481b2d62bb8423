//! Upload one or more resumes, dropped on the zone or picked: each file shows its upload progress,
//! then intake's result (a new or updated candidate, or why the file was refused). Files of the
//! wrong type or over 10 MB are refused here, before anything is sent.
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { CheckCircle2Icon, FileTextIcon, Loader2Icon, UploadCloudIcon, UploadIcon, XCircleIcon } from "lucide-react";
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
import { cn } from "@/lib/utils";
import { uploadResume, useUploadStatus } from "../api";
import { resumeFileProblem } from "../schema";
import { CandidateName } from "./CandidateName";

type Row = { key: string; file: File; progress: number; uploadId: string | null; error: string | null };

function UploadRow({ row }: { row: Row }) {
  const { t, bytes } = useI18n();
  const qc = useQueryClient();
  const status = useUploadStatus(row.uploadId);
  const s = status.data?.status;
  useEffect(() => {
    if (s?.state !== "done") return;
    // A new candidate, perhaps already assigned to the vacancy the upload was made for.
    for (const key of ["candidates", "applications", "vacancy", "vacancies", "uploads", "matches"]) {
      void qc.invalidateQueries({ queryKey: [key] });
    }
  }, [s?.state, qc]);
  useEffect(() => {
    if (s?.state === "failed") void qc.invalidateQueries({ queryKey: ["uploads"] });
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
        <span>
          {s.updated_existing ? t("upload.updated") : t("upload.created")}{" "}
          <span className="text-foreground font-medium">
            <CandidateName id={s.candidate_id} />
          </span>
        </span>
        <Link to={`/candidates/${s.candidate_id}`} className="text-primary font-medium hover:underline">
          {t("upload.openCandidate")}
        </Link>
      </p>
    );
  } else if (s?.state === "failed") {
    state = (
      <p className="text-destructive flex items-start gap-1.5 text-xs" role="alert">
        <XCircleIcon className="mt-px size-3.5 shrink-0" />
        <span>
          {status.data?.error ?? s.code}
          <span className="text-muted-foreground block font-mono text-[11px]">{t("uploads.code", { code: s.code })}</span>
        </span>
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
  const { t, bytes } = useI18n();
  const [open, setOpen] = useState(false);
  const [vacancyId, setVacancyId] = useState<string | undefined>(fixedVacancy);
  const [rows, setRows] = useState<Row[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const patch = (key: string, p: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...p } : r)));

  const start = (files: FileList | File[]) => {
    const added: Row[] = [...files].map((file, i) => {
      const problem = resumeFileProblem(file);
      return {
        key: `${Date.now()}-${i}-${file.name}`,
        file,
        progress: 0,
        uploadId: null,
        error: problem ? t(`upload.${problem}`, { size: bytes(file.size) }) : null,
      };
    });
    setRows((rs) => [...added, ...rs]);
    for (const row of added.filter((r) => !r.error)) {
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
          <div
            data-testid="resume-dropzone"
            data-dragging={dragging || undefined}
            onDragEnter={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = "copy";
            }}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
            }}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              if (e.dataTransfer.files.length) start(e.dataTransfer.files);
            }}
            className={cn(
              "flex flex-col items-center gap-2 rounded-lg border-2 border-dashed px-4 py-6 text-center transition-colors",
              dragging ? "border-primary bg-primary/5" : "border-border",
            )}
          >
            <UploadCloudIcon className={cn("size-8", dragging ? "text-primary" : "text-muted-foreground")} />
            <p className="text-sm font-medium">{dragging ? t("upload.dropActive") : t("upload.drop")}</p>
            <p className="text-muted-foreground text-xs">{t("upload.dropOr")}</p>
            <Button type="button" onClick={() => input.current?.click()}>
              <UploadIcon /> {t("upload.choose")}
            </Button>
          </div>
          {rows.length > 0 && (
            <ul className="max-h-80 space-y-2 overflow-y-auto" data-testid="upload-rows">
              {rows.map((r) => (
                <UploadRow key={r.key} row={r} />
              ))}
            </ul>
          )}
          <p className="text-right text-sm">
            <Link to="/uploads" className="text-primary hover:underline" onClick={() => setOpen(false)} data-testid="all-uploads">
              {t("upload.allUploads")}
            </Link>
          </p>
        </div>
      </DialogContent>
    </Dialog>
  );
}
