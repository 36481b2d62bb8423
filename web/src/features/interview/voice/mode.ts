//! The format the candidate picked (voice or chat), remembered in this browser per invite so
//! that a reload returns to the same one. The server keeps one interview either way.
import { useCallback, useState } from "react";

export type InterviewMode = "voice" | "chat";

// A prefix of the token is enough to tell invites apart; the whole token is not stored.
const keyFor = (token: string) => `otbor.interview.mode.${token.slice(0, 16)}`;

export function readMode(token: string): InterviewMode | null {
  try {
    const v = localStorage.getItem(keyFor(token));
    return v === "voice" || v === "chat" ? v : null;
  } catch {
    return null;
  }
}

export function useInterviewMode(token: string): [InterviewMode | null, (m: InterviewMode) => void] {
  const [mode, setModeState] = useState<InterviewMode | null>(() => readMode(token));
  const setMode = useCallback(
    (m: InterviewMode) => {
      try {
        localStorage.setItem(keyFor(token), m);
      } catch {
        // Not remembered; the choice still holds for this page.
      }
      setModeState(m);
    },
    [token],
  );
  return [mode, setMode];
}
