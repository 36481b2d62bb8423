//! The transcript shown beside the call: the turns the server already has (from GET when
//! resuming) merged with those the channel delivers, without duplicates after a reconnect.
import type { ChatTurn } from "../schema";

const key = (t: ChatTurn) => `${t.speaker}:${t.number}`;

/**
 * Adds or replaces turns by speaker and number (the server numbers turns once, so a question
 * re-sent after a reconnect, or a recognised answer corrected later, lands on the same turn),
 * and keeps them in the server's order.
 */
export function mergeTurns(current: readonly ChatTurn[], incoming: readonly ChatTurn[]): ChatTurn[] {
  if (incoming.length === 0) return current as ChatTurn[];
  const byKey = new Map(current.map((t) => [key(t), t]));
  let changed = false;
  for (const t of incoming) {
    const old = byKey.get(key(t));
    if (old && old.text === t.text) continue;
    byKey.set(key(t), t);
    changed = true;
  }
  if (!changed) return current as ChatTurn[];
  // Stable sort: same-number turns of both speakers (if the server numbers per question) keep
  // the question before its answer.
  const speakerRank = (s: string) => (s === "interviewer" ? 0 : 1);
  return [...byKey.values()].sort((a, b) => a.number - b.number || speakerRank(a.speaker) - speakerRank(b.speaker));
}
