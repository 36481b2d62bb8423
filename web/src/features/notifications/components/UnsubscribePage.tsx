//! The public page of a candidate's unsubscribe link (no login): whose address it is, one button
//! to stop the emails, and then a confirmation; an unknown link says so plainly.
import { useParams } from "react-router";
import { CircleCheckIcon, LinkIcon, MailXIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { LangSwitch } from "@/components/common/LangSwitch";
import { ApiError } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { useConfirmUnsubscribe, useUnsubscribe } from "../api";

export function Unsubscribe({ code }: { code: string }) {
  const { t } = useI18n();
  const view = useUnsubscribe(code);
  const confirm = useConfirmUnsubscribe(code);

  if (view.isPending) {
    return (
      <Card>
        <CardContent className="space-y-3">
          <Skeleton className="h-6 w-2/3" />
          <Skeleton className="h-4 w-full" />
          <Skeleton className="h-9 w-48" />
        </CardContent>
      </Card>
    );
  }
  if (view.error) {
    const notFound = view.error instanceof ApiError && view.error.status === 404;
    return (
      <Card data-testid={notFound ? "unsubscribe-not-found" : "unsubscribe-error"}>
        <CardHeader className="text-center">
          <LinkIcon className="text-muted-foreground mx-auto size-8" />
          <CardTitle>{notFound ? t("notify.unsub.notFound") : t("notify.unsub.error")}</CardTitle>
          <CardDescription>{notFound ? t("notify.unsub.notFoundHint") : view.error.message}</CardDescription>
        </CardHeader>
      </Card>
    );
  }
  const { email, unsubscribed } = view.data;
  if (unsubscribed) {
    return (
      <Card data-testid="unsubscribe-done">
        <CardHeader className="text-center">
          <CircleCheckIcon className="mx-auto size-10 text-emerald-600" />
          <CardTitle className="text-xl">{t("notify.unsub.done")}</CardTitle>
          <CardDescription className="text-base">{t("notify.unsub.doneText", { email })}</CardDescription>
        </CardHeader>
      </Card>
    );
  }
  return (
    <Card data-testid="unsubscribe-card">
      <CardHeader className="text-center">
        <MailXIcon className="text-primary mx-auto size-10" />
        <CardTitle className="text-xl">{t("notify.unsub.title")}</CardTitle>
        <CardDescription className="text-base">
          {t("notify.unsub.text", { email })}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex justify-center">
        <Button
          size="lg"
          data-testid="unsubscribe-button"
          disabled={confirm.isPending}
          onClick={() => confirm.mutate()}
        >
          {confirm.isPending ? t("notify.unsub.sending") : t("notify.unsub.button")}
        </Button>
      </CardContent>
    </Card>
  );
}

export function UnsubscribePage() {
  const { code = "" } = useParams();
  const { t } = useI18n();
  return (
    <div className="from-accent to-background min-h-screen bg-gradient-to-b">
      <header className="flex items-center justify-between p-4">
        <div className="flex items-center gap-2">
          <div className="bg-primary text-primary-foreground grid size-8 place-items-center rounded-lg font-bold">О</div>
          <span className="font-semibold">{t("app.name")}</span>
        </div>
        <LangSwitch />
      </header>
      <main className="mx-auto max-w-xl px-4 pt-12 pb-16">
        <Unsubscribe code={code} />
      </main>
    </div>
  );
}
