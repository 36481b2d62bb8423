//! React glue for one voice call: a `VoiceSession` per mounted call (token and media stream),
//! its snapshot as state, closed when the page leaves.
import { useEffect, useState, useSyncExternalStore } from "react";
import type { ChatTurn } from "../schema";
import { VoiceSession, type CallSnapshot, type SessionDeps } from "./session";

export type VoiceCall = {
  snapshot: CallSnapshot;
  sendText: (text: string) => boolean;
  finish: () => void;
  retryNow: () => void;
  setMuted: (muted: boolean) => void;
};

const idle = new VoiceSession("", { getTracks: () => [], getAudioTracks: () => [] } as unknown as MediaStream, {
  turns: [],
  done: 0,
  planned: 0,
});

export function useVoiceCall(
  token: string,
  stream: MediaStream,
  initial: { turns: ChatTurn[]; done: number; planned: number },
  deps?: Partial<SessionDeps>,
): VoiceCall {
  const [session, setSession] = useState<VoiceSession>(idle);
  // The initial transcript and deps are read once per session, not on every render.
  const [seed] = useState(() => ({ initial, deps }));

  useEffect(() => {
    const s = new VoiceSession(token, stream, seed.initial, seed.deps);
    setSession(s);
    s.start();
    return () => s.close();
  }, [token, stream, seed]);

  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot, session.getSnapshot);
  return {
    snapshot: session === idle ? { ...snapshot, turns: seed.initial.turns, done: seed.initial.done, planned: seed.initial.planned } : snapshot,
    sendText: (t) => session.sendText(t),
    finish: () => session.finish(),
    retryNow: () => session.retryNow(),
    setMuted: (m) => session.setMuted(m),
  };
}
