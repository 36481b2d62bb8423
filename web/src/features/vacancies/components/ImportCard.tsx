//! Upload a vacancy file with a progress bar; the draft the server returns fills the form.
import { useRef, useState } from "react";
import { FileUpIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { UploadProgress } from "@/components/common/UploadProgress";
import { useI18n } from "@/lib/i18n";
import { importVacancyFile } from "../api";
import type { VacancyDraft } from "../schema";

export function ImportCard({ onDraft, highlight }: { onDraft: (d: VacancyDraft) => void; highlight?: boolean }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);

  const upload = async (file: File) => {
    setError(null);
    setFileName(file.name);
    setProgress(0);
    try {
      const draft = await importVacancyFile(file, setProgress);
      onDraft(draft);
      toast.success(t("vacancyForm.importDone"));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
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
        {error && (
          <p role="alert" className="text-destructive text-sm" data-testid="import-error">
            {t("vacancyForm.importFailed")}: {error}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
