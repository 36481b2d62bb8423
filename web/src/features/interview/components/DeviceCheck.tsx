//! Before the call: the camera preview, the microphone level, a sound test, device pickers, and
//! plain help when the browser refuses access or finds no device; the chat is always a way out.
import { useState } from "react";
import { CameraOffIcon, Loader2Icon, MessageSquareTextIcon, MicIcon, PhoneCallIcon, RefreshCwIcon, TriangleAlertIcon, VideoIcon, Volume2Icon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useI18n } from "@/lib/i18n";
import { playTestSound } from "../voice/devices";
import type { LocalMedia } from "../voice/useLocalMedia";
import { LevelMeter } from "./LevelMeter";
import { SelfVideo, useFocusOnMount } from "./VoiceParts";

function DevicePicker({
  id,
  label,
  icon,
  devices,
  value,
  onChange,
}: {
  id: string;
  label: string;
  icon: React.ReactNode;
  devices: MediaDeviceInfo[];
  value?: string;
  onChange: (id: string) => void;
}) {
  if (devices.length < 2) return null;
  return (
    <div className="min-w-0 flex-1 space-y-1">
      <label htmlFor={id} className="text-muted-foreground flex items-center gap-1.5 text-xs font-medium [&_svg]:size-3.5">
        {icon}
        {label}
      </label>
      <Select value={value} onValueChange={onChange}>
        <SelectTrigger id={id} className="w-full" data-testid={id}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {devices.map((d, i) => (
            <SelectItem key={d.deviceId} value={d.deviceId}>
              {d.label || `${label} ${i + 1}`}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}

function Problem({ media, onChat }: { media: LocalMedia; onChat: () => void }) {
  const { t } = useI18n();
  const p = media.problem ?? "unknown";
  // "Not found" says which one is missing when the lists can tell.
  const missing =
    p === "not_found" && media.devices.audio.length + media.devices.video.length > 0
      ? [media.devices.video.length === 0 && t("voice.noCamera"), media.devices.audio.length === 0 && t("voice.noMicrophone")].filter(Boolean).join(". ")
      : "";
  return (
    <div className="border-destructive/30 bg-destructive/5 space-y-3 rounded-xl border p-4 sm:p-5" role="alert" data-testid="device-problem" data-problem={p}>
      <div className="flex items-start gap-3">
        <TriangleAlertIcon className="text-destructive mt-0.5 size-5 shrink-0" aria-hidden />
        <div className="space-y-1">
          <p className="font-semibold">{t(`voice.problem.${p}`)}</p>
          {missing && <p className="text-sm">{missing}.</p>}
          <p className="text-muted-foreground text-sm leading-relaxed">{t(`voice.problem.${p}Hint`)}</p>
        </div>
      </div>
      <div className="flex flex-wrap gap-2 sm:pl-8">
        {p !== "unsupported" && (
          <Button onClick={media.retry} data-testid="device-retry">
            <RefreshCwIcon /> {t("voice.checkAgain")}
          </Button>
        )}
        <Button variant="outline" onClick={onChat} data-testid="device-use-chat">
          <MessageSquareTextIcon /> {t("voice.useChat")}
        </Button>
      </div>
    </div>
  );
}

export function DeviceCheck({
  media,
  resuming,
  onStart,
  onChat,
}: {
  media: LocalMedia;
  /** The interview has begun already (a reload, a dropped call): "Продолжить" rather than "Начать". */
  resuming: boolean;
  onStart: () => void;
  onChat: () => void;
}) {
  const { t, lang } = useI18n();
  const [playing, setPlaying] = useState(false);
  const [played, setPlayed] = useState(false);
  const ready = media.status === "ready" && !!media.stream;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const startLabel = resuming ? t("voice.resumeCall") : t("voice.startCall");

  const testSound = async () => {
    setPlaying(true);
    try {
      await playTestSound(t("voice.testPhrase"), lang);
    } finally {
      setPlaying(false);
      setPlayed(true);
    }
  };

  return (
    <section className="space-y-5" aria-labelledby="check-title" data-testid="device-check" data-status={media.status}>
      <div className="space-y-1">
        <h2 id="check-title" ref={heading} tabIndex={-1} className="text-lg font-semibold outline-none">
          {t("voice.checkTitle")}
        </h2>
        <p className="text-muted-foreground text-sm">{t("voice.checkHint")}</p>
      </div>

      {media.status === "failed" ? (
        <Problem media={media} onChat={onChat} />
      ) : (
        <div className="grid gap-4 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="relative aspect-video overflow-hidden rounded-xl bg-neutral-900">
            {ready ? (
              <SelfVideo stream={media.stream} label={t("voice.preview")} className="size-full -scale-x-100 object-cover" />
            ) : (
              <div className="grid size-full place-items-center p-6 text-center text-sm text-neutral-300" role="status" data-testid="device-asking">
                <div className="space-y-3">
                  {media.status === "asking" ? <Loader2Icon className="mx-auto size-6 animate-spin" aria-hidden /> : <CameraOffIcon className="mx-auto size-6" aria-hidden />}
                  <p>{t("voice.asking")}</p>
                </div>
              </div>
            )}
          </div>
          <div className="flex flex-col gap-4">
            <div className="space-y-1.5">
              <p className="text-muted-foreground flex items-center gap-1.5 text-xs font-medium">
                <MicIcon className="size-3.5" aria-hidden /> {t("voice.micLevel")}
              </p>
              <LevelMeter stream={ready ? media.stream : null} label={t("voice.micLevel")} />
            </div>
            <div className="space-y-1.5">
              <Button variant="outline" onClick={testSound} disabled={playing} data-testid="test-sound">
                {playing ? <Loader2Icon className="animate-spin" /> : <Volume2Icon />}
                {playing ? t("voice.testSoundPlaying") : t("voice.testSound")}
              </Button>
              {played && <p className="text-muted-foreground text-xs">{t("voice.testSoundHint")}</p>}
            </div>
            <div className="flex flex-col gap-3 sm:flex-row md:flex-col">
              <DevicePicker
                id="pick-camera"
                label={t("voice.camera")}
                icon={<VideoIcon />}
                devices={media.devices.video}
                value={media.choice.videoId}
                onChange={(id) => media.choose("video", id)}
              />
              <DevicePicker
                id="pick-microphone"
                label={t("voice.microphone")}
                icon={<MicIcon />}
                devices={media.devices.audio}
                value={media.choice.audioId}
                onChange={(id) => media.choose("audio", id)}
              />
            </div>
            <p className="text-muted-foreground text-xs leading-relaxed">{t("voice.headphones")}</p>
          </div>
        </div>
      )}

      {media.status !== "failed" && (
        <div className="flex flex-col-reverse gap-2 border-t pt-4 sm:flex-row sm:items-center sm:justify-between">
          <Button variant="ghost" onClick={onChat} data-testid="use-chat">
            <MessageSquareTextIcon /> {t("voice.useChat")}
          </Button>
          <div className="flex flex-col items-stretch gap-1.5 sm:items-end">
            <Button size="lg" onClick={onStart} disabled={!ready} aria-describedby="recording-starts" data-testid="start-call">
              <PhoneCallIcon /> {startLabel}
            </Button>
            <p id="recording-starts" className="text-muted-foreground flex items-center gap-1.5 text-xs">
              <span className="size-2 rounded-full bg-red-500" aria-hidden />
              {t("voice.recordingStarts", { start: startLabel })}
            </p>
          </div>
        </div>
      )}
    </section>
  );
}
