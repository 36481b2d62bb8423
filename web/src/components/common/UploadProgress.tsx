//! A progress bar with a percentage for a running upload.
import { Progress } from "@/components/ui/progress";
import { useI18n } from "@/lib/i18n";

export function UploadProgress({ percent }: { percent: number }) {
  const { t } = useI18n();
  return (
    <div className="space-y-1" data-testid="upload-progress">
      <Progress value={percent} aria-label={t("common.uploading", { percent })} />
      <p className="text-muted-foreground text-xs">{t("common.uploading", { percent })}</p>
    </div>
  );
}
