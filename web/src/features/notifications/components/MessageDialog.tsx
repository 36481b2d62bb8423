//! One message as it was sent (or kept in the outbox): who, when, how it went, the subject, the
//! HTML part in a sandboxed frame and the plain-text part.
import { TriangleAlertIcon } from "lucide-react";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import type { NotificationRecord } from "../schema";
import { ChannelLabel, DeliveryBadge, HtmlFrame } from "./parts";

function Meta({ label, children, className }: { label: string; children: React.ReactNode; className?: string }) {
  return (
    <div className={cn("min-w-0", className)}>
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="text-sm break-words">{children}</dd>
    </div>
  );
}

/** The dialog's body, on its own so that it can be rendered in tests without a portal. */
export function MessageBody({ message: m }: { message: NotificationRecord }) {
  const { t, tn, dateTime } = useI18n();
  return (
    <div className="space-y-4" data-testid="message-body">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-[minmax(0,2fr)_repeat(3,minmax(0,1fr))]">
        <Meta label={t("notify.message.to")} className="col-span-2 sm:col-span-1">
          <span data-testid="message-address">{m.address}</span>
        </Meta>
        <Meta label={t("notify.col.channel")}>
          <ChannelLabel channel={m.channel} />
        </Meta>
        <Meta label={t("notify.col.status")}>
          <span className="flex flex-wrap items-center gap-1.5">
            <DeliveryBadge status={m.status} channel={m.channel} />
            <span className="text-muted-foreground text-xs">{tn("notify.attempts", m.attempts)}</span>
          </span>
        </Meta>
        <Meta label={t("notify.message.created")}>{dateTime(m.created_at)}</Meta>
      </dl>
      {m.error && (
        <div role="alert" className="border-destructive/30 bg-destructive/5 flex gap-2 rounded-md border p-3 text-sm">
          <TriangleAlertIcon className="text-destructive mt-0.5 size-4 shrink-0" />
          <div className="min-w-0">
            <p className="font-medium">{t("notify.message.error")}</p>
            <p className="text-muted-foreground break-words" data-testid="message-error">
              {m.error}
            </p>
          </div>
        </div>
      )}
      <section className="space-y-1.5">
        <h3 className="text-sm font-medium">{t("notify.message.html")}</h3>
        {m.html ? (
          <HtmlFrame html={m.html} title={t("notify.message.htmlFrame")} />
        ) : (
          <p className="text-muted-foreground rounded-md border border-dashed p-3 text-sm">{t("notify.message.noHtml")}</p>
        )}
      </section>
      <section className="space-y-1.5">
        <h3 className="text-sm font-medium">{t("notify.message.text")}</h3>
        <pre
          data-testid="message-text"
          className="bg-muted/50 max-h-72 overflow-auto rounded-md border p-3 font-sans text-sm whitespace-pre-wrap"
        >
          {m.text}
        </pre>
      </section>
    </div>
  );
}

export function MessageDialog({
  message,
  onClose,
}: {
  message: NotificationRecord | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Dialog open={!!message} onOpenChange={(o) => !o && onClose()}>
      <DialogContent closeLabel={t("common.close")} className="sm:max-w-3xl" data-testid="message-dialog">
        {message && (
          <>
            <DialogHeader className="pr-6">
              <DialogDescription>{t(`notify.event.${message.event}`)}</DialogDescription>
              <DialogTitle data-testid="message-subject">{message.subject}</DialogTitle>
            </DialogHeader>
            <MessageBody message={message} />
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}
