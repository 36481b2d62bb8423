//! The voice interview in progress: the candidate's own video and the interviewer's state on the
//! left, the questions and answers on the right (with a box to type an answer), elapsed time and
//! progress, "Завершить интервью" with confirmation, and the screens a call can end on.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import {
  AppWindowIcon,
  AudioLinesIcon,
  CheckCircle2Icon,
  ClockAlertIcon,
  EarIcon,
  InfoIcon,
  LinkIcon,
  Loader2Icon,
  MessageSquareTextIcon,
  MicIcon,
  MicOffIcon,
  PhoneOffIcon,
  RefreshCwIcon,
  SendIcon,
  TimerIcon,
  UsersIcon,
  WifiOffIcon,
} from "lucide-react";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Progress } from "@/components/ui/progress";
import { Textarea } from "@/components/ui/textarea";
import { FieldError } from "@/components/common/FieldError";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import type { CallSnapshot } from "../voice/session";
import type { VoiceCall } from "../voice/useVoiceCall";
import { Bubble } from "./ChatPanel";
import { LevelMeter } from "./LevelMeter";
import { SelfVideo, useFocusOnMount } from "./VoiceParts";

/** "mm:ss", or "h:mm:ss" past an hour. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The current time, ticking every `ms` while mounted. */
export function useNow(ms = 1000, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms, enabled]);
  return now;
}

/** The call's running time; ticks on its own so the rest of the call does not re-render. */
function Elapsed({ since, now }: { since: number | null; now?: number }) {
  const ticking = useNow(500);
  return (
    <span role="timer" aria-live="off">
      {formatElapsed(since === null ? 0 : (now ?? ticking) - since)}
    </span>
  );
}

function RemoteAudio({ stream }: { stream: MediaStream | null }) {
  const { t } = useI18n();
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.srcObject === stream) return;
    el.srcObject = stream;
    if (stream) void el.play().catch(() => undefined);
  }, [stream]);
  return <audio ref={ref} autoPlay aria-label={t("voice.interviewer")} data-testid="ai-audio" />;
}

type Shown = "connecting" | "reconnecting" | "listening" | "thinking" | "speaking";

function shownState(s: CallSnapshot): Shown {
  if (s.phase === "connecting" || s.phase === "busy") return "connecting";
  if (s.phase === "reconnecting") return "reconnecting";
  return s.ai ?? "listening";
}

/** The interviewer's state: a large calm indicator, its name in words, and what to do now. */
function AiStatus({ state }: { state: Shown }) {
  const { t } = useI18n();
  const label = state === "reconnecting" ? t("voice.reconnecting") : t(`voice.state.${state}`);
  const hint = state === "reconnecting" ? t("voice.reconnectingHint") : t(`voice.state.${state}Hint`);
  return (
    <div className="bg-card flex items-center gap-4 rounded-xl border p-4" data-testid="ai-state" data-state={state}>
      <div className="relative grid size-14 shrink-0 place-items-center" aria-hidden>
        {state === "listening" && <span className="absolute inset-0 animate-ping rounded-full bg-emerald-400/30 [animation-duration:2s]" />}
        {state === "speaking" && <span className="bg-primary/25 absolute -inset-1 animate-pulse rounded-full" />}
        <span
          className={cn(
            "relative grid size-14 place-items-center rounded-full [&_svg]:size-6",
            state === "listening" && "bg-emerald-500 text-white",
            state === "thinking" && "bg-amber-400 text-amber-950",
            state === "speaking" && "bg-primary text-primary-foreground",
            (state === "connecting" || state === "reconnecting") && "bg-muted text-muted-foreground",
          )}
        >
          {state === "listening" && <EarIcon />}
          {state === "speaking" && <AudioLinesIcon />}
          {state === "thinking" && (
            <span className="flex gap-1">
              {[0, 150, 300].map((d) => (
                <span key={d} className="size-1.5 animate-bounce rounded-full bg-current" style={{ animationDelay: `${d}ms` }} />
              ))}
            </span>
          )}
          {(state === "connecting" || state === "reconnecting") && <Loader2Icon className="animate-spin" />}
        </span>
      </div>
      <div className="min-w-0" aria-live="polite" aria-atomic>
        <p className="text-muted-foreground text-xs font-medium tracking-wide uppercase">{t("voice.interviewer")}</p>
        <p className="text-base font-semibold" data-testid="ai-state-label">
          {label}
        </p>
        <p className="text-muted-foreground text-sm">{hint}</p>
      </div>
    </div>
  );
}

function Transcript({ call }: { call: VoiceCall }) {
  const { t } = useI18n();
  const s = call.snapshot;
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>();
  const endRef = useRef<HTMLDivElement>(null);
  const canSend = s.channelOpen && s.phase === "live";

  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: "end", behavior: "smooth" });
  }, [s.turns.length, s.pending.length, s.notice]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const answer = text.trim();
    if (!answer) return setError(t("chat.empty"));
    if (!call.sendText(answer)) return setError(t("voice.channelDown"));
    setText("");
    setError(undefined);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  const lastNumber = s.turns.at(-1)?.number ?? 0;

  return (
    <aside className="bg-card flex min-h-[22rem] flex-col rounded-xl border lg:h-[calc(100vh-10rem)] lg:max-h-[48rem]" aria-labelledby="transcript-title">
      <h2 id="transcript-title" className="flex items-center gap-2 border-b px-4 py-3 text-sm font-semibold">
        <MessageSquareTextIcon className="text-muted-foreground size-4" aria-hidden />
        {t("voice.transcript")}
      </h2>
      <div className="min-h-0 flex-1 overflow-y-auto px-4 py-3" data-testid="voice-transcript">
        {s.turns.length === 0 && s.pending.length === 0 ? (
          <p className="text-muted-foreground py-8 text-center text-sm">{t("voice.transcriptEmpty")}</p>
        ) : (
          <ol className="space-y-3" aria-label={t("chat.log")} aria-live="polite">
            {s.turns.map((turn) => (
              <Bubble key={`${turn.speaker}:${turn.number}`} turn={turn} />
            ))}
            {s.pending.map((p, i) => (
              <Bubble key={`pending:${i}`} turn={{ number: lastNumber + 1 + i, speaker: "candidate", text: p }} pending />
            ))}
          </ol>
        )}
        {s.notice && (
          <p className="bg-muted/60 text-muted-foreground mt-3 flex items-start gap-2 rounded-lg px-3 py-2 text-xs" role="status" data-testid="voice-notice">
            <InfoIcon className="mt-px size-3.5 shrink-0" aria-hidden />
            <span>
              <span className="sr-only">{t("voice.notice")}: </span>
              {s.notice}
            </span>
          </p>
        )}
        <div ref={endRef} />
      </div>
      <form onSubmit={submit} className="space-y-1.5 border-t p-3" noValidate data-testid="voice-answer-form">
        <label htmlFor="voice-answer" className="sr-only">
          {t("chat.answerLabel")}
        </label>
        <div className="flex items-end gap-2">
          <Textarea
            id="voice-answer"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (error) setError(undefined);
            }}
            onKeyDown={onKeyDown}
            placeholder={t("chat.placeholder")}
            rows={2}
            className="max-h-40 min-h-[2.75rem] resize-none"
            aria-invalid={!!error || undefined}
            aria-describedby={error ? "voice-answer-error" : "voice-answer-hint"}
            data-testid="voice-answer"
          />
          <Button type="submit" size="icon" className="size-11 shrink-0" disabled={!canSend} aria-label={t("chat.send")} data-testid="voice-answer-send">
            <SendIcon />
          </Button>
        </div>
        <FieldError id="voice-answer-error" message={error} />
        <p id="voice-answer-hint" className="text-muted-foreground text-xs">
          {canSend ? t("voice.typeHint") : t("voice.channelDown")}
        </p>
      </form>
    </aside>
  );
}

function FinishButton({ call }: { call: VoiceCall }) {
  const { t } = useI18n();
  const finishing = call.snapshot.phase === "finishing";
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="destructive" disabled={finishing} data-testid="voice-finish">
          {finishing ? <Loader2Icon className="animate-spin" /> : <PhoneOffIcon />}
          {finishing ? t("voice.finishing") : t("chat.finish")}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{t("chat.finishTitle")}</AlertDialogTitle>
          <AlertDialogDescription>{t("chat.finishText")}</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>{t("chat.finishCancel")}</AlertDialogCancel>
          <AlertDialogAction data-testid="voice-finish-confirm" onClick={() => call.finish()}>
            {t("chat.finishConfirm")}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

function CallHeading({ title }: { title: string }) {
  const { t } = useI18n();
  const ref = useFocusOnMount<HTMLHeadingElement>();
  return (
    <h1 ref={ref} tabIndex={-1} className="min-w-0 truncate text-lg font-semibold outline-none">
      <span className="sr-only">{t("voice.callLabel")}: </span>
      {title}
    </h1>
  );
}

/** A screen the call ends on: finished, taken over, full, expired, failed. */
function EndScreen({
  testId,
  icon,
  title,
  hint,
  detail,
  children,
  tone = "muted",
}: {
  testId: string;
  icon: React.ReactNode;
  title: string;
  hint?: string;
  detail?: string;
  children?: React.ReactNode;
  tone?: "muted" | "accent";
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div
      className={cn("mx-auto flex max-w-xl flex-col items-center gap-3 rounded-xl p-8 text-center", tone === "accent" ? "bg-accent" : "bg-card border")}
      data-testid={testId}
      role="status"
    >
      <span className={cn("[&_svg]:size-10", tone === "accent" ? "text-primary" : "text-muted-foreground")}>{icon}</span>
      <h2 ref={heading} tabIndex={-1} className="text-lg font-semibold outline-none">
        {title}
      </h2>
      {detail && <p className="text-sm">{detail}</p>}
      {hint && <p className="text-muted-foreground max-w-md text-sm leading-relaxed">{hint}</p>}
      {children && <div className="mt-2 flex flex-wrap justify-center gap-2">{children}</div>}
    </div>
  );
}

export function VoiceCallView({
  call,
  stream,
  now,
  lost = [],
  title,
  onChat,
}: {
  call: VoiceCall;
  stream: MediaStream | null;
  /** The current time for countdowns; omitted, the view keeps its own clock. */
  now?: number;
  /** Devices that stopped during the call (unplugged, taken by the system). */
  lost?: ("audio" | "video")[];
  title: string;
  onChat: () => void;
}) {
  const { t, tn } = useI18n();
  const s = call.snapshot;
  // Only the busy screen counts down; the elapsed time keeps its own clock.
  const ticking = useNow(1000, now === undefined && s.phase === "busy");
  const at = now ?? ticking;
  const chatButton = (
    <Button variant="outline" onClick={onChat} data-testid="call-use-chat">
      <MessageSquareTextIcon /> {t("voice.useChat")}
    </Button>
  );
  const retryButton = (
    <Button onClick={call.retryNow} data-testid="call-retry">
      <RefreshCwIcon /> {t("voice.retry")}
    </Button>
  );

  if (s.phase === "finished") {
    return <EndScreen testId="interview-thanks" tone="accent" icon={<CheckCircle2Icon />} title={t("chat.thanks")} hint={t("chat.thanksHint")} />;
  }
  if (s.phase === "busy" && s.problem?.kind === "busy") {
    const secs = Math.max(0, Math.ceil((s.problem.retryAt - at) / 1000));
    return (
      <EndScreen
        testId="call-busy"
        icon={<UsersIcon />}
        title={t("voice.busy")}
        detail={s.problem.message}
        hint={secs > 0 ? t("voice.busyRetryIn", { time: tn("voice.seconds", secs) }) : t("voice.busyRetrying")}
      >
        {chatButton}
      </EndScreen>
    );
  }
  if (s.phase === "failed" && s.problem) {
    const p = s.problem;
    const message = p.message || undefined;
    switch (p.kind) {
      case "taken_over":
        return <EndScreen testId="call-taken-over" icon={<AppWindowIcon />} title={t("voice.takenOver")} hint={t("voice.takenOverHint")} />;
      case "expired":
        return <EndScreen testId="call-expired" icon={<ClockAlertIcon />} title={t("chat.expired")} detail={message} hint={t("chat.expiredHint")} />;
      case "not_found":
        return <EndScreen testId="call-not-found" icon={<LinkIcon />} title={t("interview.notFound")} detail={message} hint={t("interview.notFoundHint")} />;
      case "rejected":
        return (
          <EndScreen testId="call-rejected" icon={<InfoIcon />} title={t("voice.rejected")} detail={message}>
            {chatButton}
          </EndScreen>
        );
      case "server":
      case "network":
        return (
          <EndScreen
            testId="call-failed"
            icon={<WifiOffIcon />}
            title={p.kind === "server" ? t("voice.server") : t("voice.network")}
            detail={message}
            hint={p.kind === "network" ? t("voice.networkHint") : undefined}
          >
            {retryButton}
            {chatButton}
          </EndScreen>
        );
      default:
        break;
    }
  }

  const percent = s.planned > 0 ? Math.min(100, Math.round((s.done / s.planned) * 100)) : 0;
  const progress = t("chat.progress", { done: s.done, planned: s.planned });

  return (
    <div className="space-y-4" data-testid="voice-call" data-phase={s.phase}>
      {s.phase === "reconnecting" && (
        <div className="flex items-center gap-3 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950" role="status" data-testid="reconnecting">
          <Loader2Icon className="size-5 shrink-0 animate-spin" aria-hidden />
          <div>
            <p className="font-semibold">{t("voice.reconnecting")}</p>
            <p className="text-sm">{t("voice.reconnectingHint")}</p>
          </div>
        </div>
      )}

      <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2">
        <CallHeading title={title} />
        <div className="text-muted-foreground flex items-center gap-5 text-sm">
          <span className="flex items-center gap-1.5 tabular-nums" data-testid="call-elapsed">
            <TimerIcon className="size-4" aria-hidden />
            <span className="sr-only">{t("voice.elapsed")}: </span>
            <Elapsed since={s.connectedAt} now={now} />
          </span>
          {s.planned > 0 && (
            <span className="flex min-w-40 items-center gap-2" data-testid="call-progress">
              <span className="text-xs whitespace-nowrap">{progress}</span>
              <Progress value={percent} aria-label={progress} className="w-20" />
            </span>
          )}
        </div>
      </div>

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="space-y-4">
          <div className="relative aspect-video overflow-hidden rounded-xl bg-neutral-900">
            <SelfVideo stream={stream} label={t("voice.preview")} className="size-full -scale-x-100 object-cover" />
            <div className="absolute inset-x-3 bottom-3 flex items-end justify-between gap-2">
              <span className="flex items-center gap-2 rounded-md bg-black/55 px-2 py-1 text-xs font-medium text-white">
                {t("voice.you")}
                {s.muted ? <MicOffIcon className="size-3.5 text-red-300" aria-hidden /> : <LevelMeter compact stream={stream} label={t("voice.micLevel")} />}
              </span>
            </div>
          </div>
          {lost.map((kind) => (
            <p key={kind} className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900" role="alert" data-testid={`lost-${kind}`}>
              {kind === "audio" ? t("voice.lostAudio") : t("voice.lostVideo")}
            </p>
          ))}
          {s.muted && (
            <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900" role="status" data-testid="muted-warning">
              {t("voice.muted")}
            </p>
          )}
          <AiStatus state={shownState(s)} />
          <div className="flex flex-wrap items-center justify-between gap-2">
            <Button
              variant="outline"
              onClick={() => call.setMuted(!s.muted)}
              aria-pressed={s.muted}
              data-testid="call-mute"
            >
              {s.muted ? <MicOffIcon /> : <MicIcon />}
              {s.muted ? t("voice.unmute") : t("voice.mute")}
            </Button>
            <FinishButton call={call} />
          </div>
        </div>
        <Transcript call={call} />
      </div>
      <RemoteAudio stream={s.remoteStream} />
    </div>
  );
}
