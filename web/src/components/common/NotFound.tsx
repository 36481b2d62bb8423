//! The fallback for unknown routes and missing objects.
import { Link } from "react-router";
import { Button } from "@/components/ui/button";
import { useI18n } from "@/lib/i18n";

export function NotFound({ title }: { title?: string }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-col items-center gap-3 py-20 text-center">
      <p className="text-5xl font-bold text-muted-foreground/40">404</p>
      <h1 className="text-xl font-semibold">{title ?? t("common.notFound")}</h1>
      <p className="text-muted-foreground text-sm">{t("common.notFoundHint")}</p>
      <Button asChild variant="outline">
        <Link to="/">{t("common.toHome")}</Link>
      </Button>
    </div>
  );
}
