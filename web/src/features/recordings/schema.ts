//! Interview recordings of an application as the staff API lists them: each session with its
//! chapters (one per question, with the answer) and a short-lived link to the playable file.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { orNull, Timestamp } from "@/lib/schema";

export const Chapter = z.object({
  /** The question's turn number in the transcript. */
  number: z.number().int(),
  question: z.string(),
  /** Since the start of the file. */
  start_ms: z.number(),
  answer: orNull(z.string()),
  /** The answer's turn number (interview quotes in the evaluation name it). */
  answer_number: orNull(z.number().int()),
  answer_ms: orNull(z.number()),
});
export type Chapter = z.infer<typeof Chapter>;

export const Recording = z.object({
  session_id: z.string(),
  started_at: Timestamp,
  ended_at: orNull(Timestamp),
  duration_ms: z.number(),
  chapters: z.array(Chapter),
  /** `null` while the session is being joined into one file, or when that failed. */
  url: orNull(z.string()),
  url_expires_at: orNull(Timestamp),
  content_type: orNull(z.string()),
});
export type Recording = z.infer<typeof Recording>;

export const RecordingList = z.object({
  recordings: z.array(Recording),
  retention_days: z.number().int(),
});
export type RecordingList = z.infer<typeof RecordingList>;

export type _RecordingListMatchesApi = Expect<Same<RecordingList, Api["RecordingList"]>>;

/** The index of the chapter playing at `ms`: the last one started by then; `null` before the first. */
export function currentChapter(chapters: Chapter[], ms: number): number | null {
  let found: number | null = null;
  chapters.forEach((c, i) => {
    if (c.start_ms <= ms && (found === null || c.start_ms >= chapters[found].start_ms)) found = i;
  });
  return found;
}

/** `m:ss` (or `h:mm:ss`) of a position in the recording. */
export function formatPosition(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Where the answer of turn `turn` can be watched: the newest session that has it, at the start
 * of its question's chapter (the question, then the answer). `null` when no recording has it
 * or its file is not ready. */
export function answerMoment(list: RecordingList | undefined, turn: number): { sessionId: string; ms: number } | null {
  for (const r of [...(list?.recordings ?? [])].reverse()) {
    const c = r.chapters.find((ch) => ch.answer_number === turn);
    if (c && r.url) return { sessionId: r.session_id, ms: c.start_ms };
  }
  return null;
}
