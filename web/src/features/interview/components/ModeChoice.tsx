//! After consent: the candidate picks the voice interview with camera or the text chat. Each
//! format is a card with its own clearly named button, so the choice is one click either way.
import { ArrowRightIcon, MessageSquareTextIcon, ShieldCheckIcon, VideoIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/common/FieldError";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";

function Option({
  id,
  icon,
  title,
  hint,
  action,
  primary = false,
}: {
  id: string;
  icon: React.ReactNode;
  title: string;
  hint: string;
  action: React.ReactNode;
  primary?: boolean;
}) {
  return (
    <div
      role="group"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-hint`}
      className={cn("bg-card flex flex-col gap-3 rounded-xl border p-4 sm:p-5", primary && "border-primary/50 shadow-sm")}
    >
      <div className="flex items-center gap-3">
        <span
          className={cn(
            "grid size-10 shrink-0 place-items-center rounded-full [&_svg]:size-5",
            primary ? "bg-primary text-primary-foreground" : "bg-muted text-foreground",
          )}
          aria-hidden
        >
          {icon}
        </span>
        <h3 id={`${id}-title`} className="leading-snug font-semibold">
          {title}
        </h3>
      </div>
      <p id={`${id}-hint`} className="text-muted-foreground flex-1 text-sm leading-relaxed">
        {hint}
      </p>
      {action}
    </div>
  );
}

export function ModeChoice({
  onVoice,
  onChat,
  chatPending = false,
  chatError,
  voiceSupported = true,
}: {
  onVoice: () => void;
  onChat: () => void;
  chatPending?: boolean;
  chatError?: string;
  /** False in browsers without camera access or WebRTC: the voice option is not offered. */
  voiceSupported?: boolean;
}) {
  const { t } = useI18n();
  return (
    <section className="bg-accent space-y-4 rounded-xl p-4 sm:p-6" aria-labelledby="mode-title" data-testid="interview-ready">
      <div className="space-y-1 text-center">
        <h2 id="mode-title" className="text-lg font-semibold">
          {t("voice.chooseTitle")}
        </h2>
        <p className="text-muted-foreground mx-auto max-w-md text-sm">{t("voice.chooseHint")}</p>
      </div>
      <div className={cn("grid gap-3", voiceSupported && "sm:grid-cols-2")} data-testid="interview-mode">
        {voiceSupported && (
          <Option
            id="mode-voice"
            primary
            icon={<VideoIcon />}
            title={t("voice.modeVoice")}
            hint={t("voice.modeVoiceHint")}
            action={
              <Button className="h-auto min-h-9 w-full whitespace-normal" onClick={onVoice} disabled={chatPending} data-testid="mode-voice">
                {t("voice.toDeviceCheck")} <ArrowRightIcon />
              </Button>
            }
          />
        )}
        <Option
          id="mode-chat"
          icon={<MessageSquareTextIcon />}
          title={t("voice.modeChat")}
          hint={t("voice.modeChatHint")}
          action={
            <Button variant={voiceSupported ? "outline" : "default"} className="h-auto min-h-9 w-full whitespace-normal" onClick={onChat} disabled={chatPending} data-testid="mode-chat">
              {chatPending ? t("chat.starting") : t("voice.startChat")}
            </Button>
          }
        />
      </div>
      <FieldError id="start-error" message={chatError} />
      <p className="text-muted-foreground flex items-center justify-center gap-1.5 text-xs">
        <ShieldCheckIcon className="size-3.5" /> {t("chat.consentStored")}
      </p>
    </section>
  );
}
