//! Small pieces shared by the notification views: a message's delivery status and channel as
//! pills, and the HTML part of a message shown safely.
import { MailIcon, InboxIcon, SendIcon } from "lucide-react";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import type { ChannelKind, DeliveryStatus } from "../schema";

const STATUS_COLORS: Record<DeliveryStatus, string> = {
  sending: "bg-sky-100 text-sky-800 border-sky-200",
  sent: "bg-emerald-100 text-emerald-800 border-emerald-200",
  failed: "bg-rose-100 text-rose-800 border-rose-200",
  suppressed: "bg-amber-100 text-amber-800 border-amber-200",
};

/** "Sent" means "kept for reading" for the outbox, so it says so. */
export function DeliveryBadge({ status, channel }: { status: DeliveryStatus; channel: ChannelKind }) {
  const { t } = useI18n();
  const outboxed = status === "sent" && channel === "outbox";
  return (
    <span
      data-testid="delivery-status"
      data-status={status}
      title={status === "suppressed" ? t("notify.status.suppressedHint") : undefined}
      className={cn(
        "inline-flex items-center rounded-md border px-2 py-0.5 text-xs font-medium whitespace-nowrap",
        outboxed ? "border-slate-200 bg-slate-100 text-slate-700" : STATUS_COLORS[status],
      )}
    >
      {outboxed ? t("notify.status.sent.outbox") : t(`notify.status.${status}`)}
    </span>
  );
}

const CHANNEL_ICONS: Record<ChannelKind, React.ReactNode> = {
  email: <MailIcon />,
  telegram: <SendIcon />,
  outbox: <InboxIcon />,
};

export function ChannelLabel({ channel }: { channel: ChannelKind }) {
  const { t } = useI18n();
  return (
    <span className="text-muted-foreground inline-flex items-center gap-1 text-xs whitespace-nowrap [&_svg]:size-3.5">
      {CHANNEL_ICONS[channel]}
      {t(`notify.channel.${channel}`)}
    </span>
  );
}

/**
 * An email's HTML inside a document of its own, the way a mail client shows it: `sandbox=""`
 * runs no scripts, submits no forms and opens nothing, whatever a template contains.
 */
export function HtmlFrame({ html, title, className }: { html: string; title: string; className?: string }) {
  const doc =
    '<!doctype html><html><head><meta charset="utf-8"><style>' +
    "body{margin:0;padding:16px;font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111;background:#fff;word-wrap:break-word}" +
    "a{color:#4f46e5}" +
    "</style></head><body>" +
    html +
    "</body></html>";
  return (
    <iframe
      data-testid="message-html"
      title={title}
      sandbox=""
      srcDoc={doc}
      className={cn("h-72 w-full rounded-md border bg-white", className)}
    />
  );
}
