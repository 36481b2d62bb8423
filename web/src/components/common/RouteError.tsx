//! What a page shows when it crashes while rendering, instead of the router's developer screen.
import { useRouteError } from "react-router";
import { TriangleAlertIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useI18n } from "@/lib/i18n";

export function RouteError() {
  const { t } = useI18n();
  const error = useRouteError();
  const message = error instanceof Error ? error.message : String(error ?? "");
  return (
    <div role="alert" className="flex flex-col items-center gap-3 px-4 py-20 text-center">
      <TriangleAlertIcon className="text-destructive size-10" />
      <h1 className="text-xl font-semibold">{t("common.error")}</h1>
      {message && <p className="text-muted-foreground max-w-lg text-sm break-words">{message}</p>}
      <Button variant="outline" onClick={() => window.location.reload()}>
        {t("common.retry")}
      </Button>
    </div>
  );
}
