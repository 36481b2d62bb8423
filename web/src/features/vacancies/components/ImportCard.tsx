//! Upload a vacancy file with a progress bar; the draft the server returns fills the form.
import { useRef, useState } from "react";
import { FileUpIcon, TriangleAlertIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { UploadProgress } from "@/components/common/UploadProgress";
import { ApiError } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { importVacancyFile } from "../api";
import type { VacancyDraft } from "../schema";

export function ImportCard({ onDraft, highlight }: { onDraft: (d: VacancyDraft) => void; highlight?: boolean }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [flags, setFlags] = useState<string[]>([]);

  const upload = async (file: File) => {
    setError(null);
    setFlags([]);
    setFileName(file.name);
    setProgress(0);
    try {
      const draft = await importVacancyFile(file, setProgress);
      onDraft(draft);
      setFlags(draft.flags ?? []);
      toast.success(t("vacancyForm.importDone"));
    } catch (e) {
      // A server without the import route answers 404/405/501, sometimes without an error body.
      const unavailable =
        e instanceof ApiError && [404, 405, 501].includes(e.status) && e.code.startsWith("http_");
      const message = unavailable
        ? t("vacancyForm.importUnavailable")
        : e instanceof Error
          ? e.message
          : String(e);
      setError(message);
      toast.error(message);
    } finally {
      setProgress(null);
      if (input.current) input.current.value = "";
    }
  };

  return (
    <Card className={highlight ? "ring-primary/40 ring-2" : undefined} data-testid="import-card">
      <CardHeader>
        <CardTitle className="flex items-center gap-2 text-base">
          <FileUpIcon className="size-4" /> {t("vacancyForm.import")}
        </CardTitle>
        <CardDescription>{t("vacancyForm.importHint")}</CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        <input
          ref={input}
          id="vacancy-file"
          type="file"
          className="sr-only"
          accept=".pdf,.docx,.doc,.txt,.md,.rtf,application/pdf,text/plain"
          data-testid="vacancy-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void upload(f);
          }}
        />
        <div className="flex flex-wrap items-center gap-3">
          <Button
            type="button"
            variant="outline"
            disabled={progress !== null}
            onClick={() => input.current?.click()}
          >
            {t("vacancyForm.chooseFile")}
          </Button>
          {fileName && <span className="text-muted-foreground truncate text-sm">{fileName}</span>}
        </div>
        {progress !== null && <UploadProgress percent={progress} />}
        {flags.length > 0 && (
          <div role="status" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="import-flags">
            <p className="flex items-center gap-1.5 font-medium">
              <TriangleAlertIcon className="size-4" /> {t("vacancyForm.importFlags")}
            </p>
            <ul className="mt-1 list-disc pl-5">
              {flags.map((f, i) => (
                <li key={i}>{f}</li>
              ))}
            </ul>
          </div>
        )}
        {error && (
          <p role="alert" className="text-destructive text-sm" data-testid="import-error">
            {t("vacancyForm.importFailed")}: {error}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
