//! The interview transcript on the candidate's page: every turn numbered, and for each
//! interviewer question the engine's decision and its reason ("уточнение: ответ без конкретики").
import { BotIcon, UserIcon } from "lucide-react";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import type { TranscriptTurn } from "../schema";

export const turnAnchor = (applicationId: string, turn: number) => `turn-${applicationId}-${turn}`;

export function Transcript({
  applicationId,
  turns,
  highlighted,
}: {
  applicationId: string;
  turns: TranscriptTurn[];
  highlighted: number | null;
}) {
  const { t, td } = useI18n();
  if (turns.length === 0) return <p className="text-muted-foreground text-sm">{t("eval.transcriptEmpty")}</p>;
  return (
    <ol className="max-h-[36rem] space-y-3 overflow-y-auto pr-1" data-testid="transcript">
      {turns.map((turn) => {
        const mine = turn.speaker === "candidate";
        return (
          <li
            key={turn.number}
            id={turnAnchor(applicationId, turn.number)}
            data-testid="transcript-turn"
            data-number={turn.number}
            data-highlighted={highlighted === turn.number || undefined}
            className={cn(
              "scroll-mt-4 rounded-lg border p-3 text-sm transition-colors",
              mine ? "bg-background ml-4 sm:ml-10" : "bg-muted/50 mr-4 sm:mr-10",
              highlighted === turn.number && "ring-primary bg-primary/10 ring-2",
            )}
          >
            <div className="text-muted-foreground mb-1 flex flex-wrap items-center gap-2 text-xs">
              <span className="[&_svg]:size-3.5">{mine ? <UserIcon /> : <BotIcon />}</span>
              <span className="font-medium">
                {mine ? t("eval.candidate") : t("eval.interviewer")} · {t("eval.turn", { turn: turn.number })}
              </span>
            </div>
            {mine && turn.heard && (
              <p className="text-muted-foreground mb-1 text-xs italic" data-testid="turn-heard">
                {t("eval.heard", { heard: turn.heard })}
              </p>
            )}
            <p className="whitespace-pre-wrap break-words">{turn.text}</p>
            {!mine && turn.decision && (
              <p className="text-muted-foreground mt-2 border-t pt-2 text-xs" data-testid="turn-decision" title={t("eval.why")}>
                <span className="text-foreground font-medium">{td(`eval.decision.${turn.decision.kind}`, turn.decision.kind)}</span>
                {turn.decision.reason ? `: ${turn.decision.reason}` : ""}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
