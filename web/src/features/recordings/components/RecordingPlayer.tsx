//! One recorded session: the video with its chapters (a click seeks to the question) and the
//! transcript beside it, where the question playing now is highlighted as the video plays.
import { useEffect, useRef, useState } from "react";
import { PlayIcon } from "lucide-react";
import { cn } from "@/lib/utils";
import { useI18n } from "@/lib/i18n";
import { currentChapter, formatPosition, type Recording } from "../schema";
import { onSeek } from "../seek";

type Props = {
  recording: Recording;
  /** The link stopped working (expired): a fresh list is wanted. */
  onLinkFailed?: () => void;
  /** Where playback starts, in ms (for tests and for resuming after a fresh link). */
  initialMs?: number;
};

export function RecordingPlayer({ recording, onLinkFailed, initialMs = 0 }: Props) {
  const { t, dateTime } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [ms, setMs] = useState(initialMs);
  const resumeAt = useRef<number | null>(null);
  const playing = currentChapter(recording.chapters, ms);
  const active = useRef<HTMLLIElement>(null);

  // A fresh link (a new `src`) continues where the old one stopped.
  useEffect(() => {
    const v = video.current;
    if (v && resumeAt.current !== null) v.currentTime = resumeAt.current / 1000;
    resumeAt.current = null;
  }, [recording.url]);

  useEffect(() => {
    active.current?.scrollIntoView?.({ block: "nearest" });
  }, [playing]);

  const seek = (startMs: number) => {
    const v = video.current;
    if (!v) return;
    v.currentTime = startMs / 1000;
    setMs(startMs);
    void v.play?.()?.catch(() => {});
  };

  // "Watch in the recording" from elsewhere on the page (an interview quote).
  useEffect(
    () =>
      onSeek(({ sessionId, ms: at }) => {
        if (sessionId !== recording.session_id) return;
        video.current?.scrollIntoView?.({ block: "center", behavior: "smooth" });
        video.current?.focus();
        seek(at);
      }),
    [recording.session_id],
  );

  return (
    <div className="grid gap-4 xl:grid-cols-5" data-testid="recording" data-session={recording.session_id}>
      <div className="space-y-3 xl:col-span-3">
        {recording.url ? (
          <video
            ref={video}
            controls
            preload="metadata"
            src={recording.url}
            aria-label={t("rec.videoLabel", { date: dateTime(recording.started_at) })}
            className="aspect-video w-full rounded-md bg-black"
            data-testid="recording-video"
            onTimeUpdate={(e) => setMs(e.currentTarget.currentTime * 1000)}
            onError={() => {
              resumeAt.current = ms;
              onLinkFailed?.();
            }}
          />
        ) : (
          <p className="text-muted-foreground rounded-md border border-dashed p-6 text-sm" data-testid="recording-processing">
            {recording.ended_at ? t("rec.unavailable") : t("rec.processing")}
          </p>
        )}
        <div>
          <h4 className="mb-1 text-sm font-medium">{t("rec.chapters")}</h4>
          {recording.chapters.length === 0 ? (
            <p className="text-muted-foreground text-sm">{t("rec.chaptersEmpty")}</p>
          ) : (
            <ol className="space-y-0.5" data-testid="recording-chapters">
              {recording.chapters.map((c, i) => (
                <li key={c.number}>
                  <button
                    type="button"
                    onClick={() => seek(c.start_ms)}
                    disabled={!recording.url}
                    aria-current={i === playing ? "true" : undefined}
                    data-testid="recording-chapter"
                    data-start-ms={c.start_ms}
                    className={cn(
                      "hover:bg-accent flex w-full items-start gap-2 rounded px-2 py-1 text-left text-sm disabled:opacity-60",
                      i === playing && "bg-accent font-medium",
                    )}
                  >
                    <span className="text-muted-foreground w-12 shrink-0 tabular-nums">{formatPosition(c.start_ms)}</span>
                    <PlayIcon className="text-muted-foreground mt-0.5 size-3.5 shrink-0" />
                    <span className="min-w-0">
                      {t("rec.question", { n: i + 1 })}: <span className="break-words">{c.question}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
      <div className="xl:col-span-2">
        <h4 className="mb-1 text-sm font-medium">{t("rec.transcript")}</h4>
        <ol className="max-h-[28rem] space-y-2 overflow-y-auto pr-1" data-testid="recording-transcript">
          {recording.chapters.map((c, i) => (
            <li
              key={c.number}
              ref={i === playing ? active : undefined}
              aria-current={i === playing ? "true" : undefined}
              data-testid="transcript-item"
              className={cn("rounded-md border-l-2 px-3 py-2 text-sm", i === playing ? "border-primary bg-accent" : "border-transparent")}
            >
              <p className="text-muted-foreground text-xs">{t("rec.interviewer")} · {formatPosition(c.start_ms)}</p>
              <p className="break-words">{c.question}</p>
              <p className="text-muted-foreground mt-1 text-xs">
                {t("rec.candidate")}
                {c.answer_ms !== null && <> · {formatPosition(c.answer_ms)}</>}
              </p>
              <p className={cn("break-words", c.answer === null && "text-muted-foreground italic")}>{c.answer ?? t("rec.noAnswer")}</p>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
