//! Beside an interview quote: "▶ 1:23", which plays the recording where the quoted answer was
//! given (the player on the same page seeks there). Nothing when no recording has it.
import { PlayIcon } from "lucide-react";
import { useI18n } from "@/lib/i18n";
import { useRecordings } from "../api";
import { answerMoment, formatPosition } from "../schema";
import { requestSeek } from "../seek";

export function RecordingMoment({ applicationId, turn }: { applicationId: string; turn: number }) {
  const { t } = useI18n();
  const [list] = useRecordings([applicationId]);
  const moment = answerMoment(list?.data, turn);
  if (!moment) return null;
  const at = formatPosition(moment.ms);
  return (
    <button
      type="button"
      onClick={() => requestSeek(moment)}
      className="text-primary inline-flex items-center gap-0.5 whitespace-nowrap hover:underline"
      aria-label={t("rec.watchAnswer", { at })}
      data-testid="quote-recording"
      data-session={moment.sessionId}
      data-ms={moment.ms}
    >
      <PlayIcon className="size-3" />
      {at}
    </button>
  );
}
