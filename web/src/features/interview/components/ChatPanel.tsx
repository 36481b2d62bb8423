//! The chat of an interview in progress: the turns as bubbles, the waiting question, the answer
//! box (Enter sends, Shift+Enter breaks the line), progress by topics and an early finish.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { BotIcon, SendIcon, UserIcon } from "lucide-react";
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
import { ApiError } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { useFinishInterview, useSendAnswer } from "../api";
import type { ChatTurn, ChatView, InterviewInfo } from "../schema";

export function Bubble({ turn, pending = false }: { turn: ChatTurn; pending?: boolean }) {
  const { t } = useI18n();
  const mine = turn.speaker === "candidate";
  return (
    <li
      className={cn("flex items-end gap-2", mine && "flex-row-reverse")}
      data-testid="chat-turn"
      data-speaker={turn.speaker}
      data-number={turn.number}
    >
      <span
        className={cn(
          "grid size-7 shrink-0 place-items-center rounded-full [&_svg]:size-4",
          mine ? "bg-primary text-primary-foreground" : "bg-muted text-muted-foreground",
        )}
        aria-hidden
      >
        {mine ? <UserIcon /> : <BotIcon />}
      </span>
      <div
        className={cn(
          "max-w-[85%] rounded-2xl px-4 py-2.5 text-sm leading-relaxed whitespace-pre-wrap break-words sm:max-w-[75%]",
          mine ? "bg-primary text-primary-foreground rounded-br-sm" : "bg-muted rounded-bl-sm",
          pending && "opacity-60",
        )}
      >
        <span className="sr-only">{mine ? t("chat.you") : t("chat.interviewer")}: </span>
        {turn.text}
      </div>
    </li>
  );
}

function Typing() {
  return (
    <li className="flex items-end gap-2" aria-hidden data-testid="chat-typing">
      <span className="bg-muted text-muted-foreground grid size-7 place-items-center rounded-full">
        <BotIcon className="size-4" />
      </span>
      <div className="bg-muted flex gap-1 rounded-2xl rounded-bl-sm px-4 py-3.5">
        {[0, 150, 300].map((d) => (
          <span key={d} className="bg-muted-foreground/60 size-1.5 animate-bounce rounded-full" style={{ animationDelay: `${d}ms` }} />
        ))}
      </div>
    </li>
  );
}

export function ChatPanel({
  token,
  chat,
  onResync,
}: {
  token: string;
  chat: ChatView;
  /** Reloads the interview from the server; the page then shows whatever state it is in. */
  onResync: () => Promise<InterviewInfo | undefined>;
}) {
  const { t } = useI18n();
  const send = useSendAnswer(token);
  const finish = useFinishInterview(token);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | undefined>();
  const endRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const sending = send.isPending;
  const percent = chat.planned > 0 ? Math.min(100, Math.round((chat.done / chat.planned) * 100)) : 0;

  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: "end", behavior: "smooth" });
  }, [chat.turns.length, sending]);

  const fail = async (err: unknown, answer?: string) => {
    setError(err instanceof Error ? err.message : String(err));
    if (!(err instanceof ApiError)) return;
    // Finished or expired meanwhile (another tab, the deadline): show the page's final state.
    if (err.status === 409 || err.status === 410) {
      void onResync();
      return;
    }
    // The connection dropped: the answer may have arrived all the same. If the server has it,
    // the chat moves on and the box empties instead of sending it twice.
    if (err.status === 0 && answer) {
      const fresh = (await onResync().catch(() => undefined))?.chat;
      const mine = fresh?.turns.filter((x) => x.speaker === "candidate").at(-1);
      if (fresh && fresh.turns.length > chat.turns.length && mine?.text.trim() === answer) {
        setText("");
        setError(undefined);
      }
    }
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (sending) return;
    const answer = text.trim();
    if (!answer) {
      setError(t("chat.empty"));
      return;
    }
    setError(undefined);
    try {
      await send.mutateAsync(answer);
      setText("");
      requestAnimationFrame(() => inputRef.current?.focus());
    } catch (err) {
      await fail(err, answer);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <div className="space-y-4" data-testid="chat">
      <div className="space-y-1.5">
        <div className="text-muted-foreground flex items-center justify-between gap-3 text-xs">
          <span data-testid="chat-progress">{t("chat.progress", { done: chat.done, planned: chat.planned })}</span>
          <span>{percent}%</span>
        </div>
        <Progress value={percent} aria-label={t("chat.progress", { done: chat.done, planned: chat.planned })} />
      </div>

      <ol className="space-y-3" aria-label={t("chat.log")} aria-live="polite">
        {chat.turns.map((turn) => (
          <Bubble key={turn.number} turn={turn} />
        ))}
        {sending && send.variables && (
          <>
            <Bubble turn={{ number: -1, speaker: "candidate", text: send.variables }} pending />
            <Typing />
          </>
        )}
      </ol>
      <div ref={endRef} />

      <form
        onSubmit={submit}
        className="bg-card/95 sticky bottom-0 -mx-1 space-y-2 border-t px-1 pt-3 pb-2 backdrop-blur"
        noValidate
        data-testid="chat-form"
      >
        <label htmlFor="chat-answer" className="sr-only">
          {t("chat.answerLabel")}
        </label>
        <div className="flex items-end gap-2">
          <Textarea
            id="chat-answer"
            ref={inputRef}
            value={sending ? "" : text}
            onChange={(e) => {
              setText(e.target.value);
              if (error) setError(undefined);
            }}
            onKeyDown={onKeyDown}
            placeholder={sending ? t("chat.sending") : t("chat.placeholder")}
            disabled={sending || finish.isPending}
            rows={2}
            autoFocus
            className="max-h-48 min-h-[3rem] resize-y"
            aria-invalid={!!error || undefined}
            aria-describedby={error ? "chat-answer-error" : "chat-answer-hint"}
            data-testid="chat-input"
          />
          <Button
            type="submit"
            size="icon"
            className="size-11 shrink-0"
            disabled={sending || finish.isPending}
            aria-label={t("chat.send")}
            data-testid="chat-send"
          >
            <SendIcon />
          </Button>
        </div>
        <FieldError id="chat-answer-error" message={error} />
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p id="chat-answer-hint" className="text-muted-foreground hidden text-xs sm:block">
            {t("chat.hint")}
          </p>
          <AlertDialog>
            <AlertDialogTrigger asChild>
              <Button type="button" variant="ghost" size="sm" disabled={sending || finish.isPending} data-testid="chat-finish">
                {t("chat.finish")}
              </Button>
            </AlertDialogTrigger>
            <AlertDialogContent>
              <AlertDialogHeader>
                <AlertDialogTitle>{t("chat.finishTitle")}</AlertDialogTitle>
                <AlertDialogDescription>{t("chat.finishText")}</AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>{t("chat.finishCancel")}</AlertDialogCancel>
                <AlertDialogAction
                  data-testid="chat-finish-confirm"
                  onClick={() => finish.mutate(undefined, { onError: (err) => void fail(err) })}
                >
                  {t("chat.finishConfirm")}
                </AlertDialogAction>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
        </div>
      </form>
    </div>
  );
}
