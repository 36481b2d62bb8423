//! "Watch this in the recording": a request to the candidate page's recording player to play a
//! session from a moment, raised elsewhere on the page (an interview quote in the evaluation).
export type SeekRequest = { sessionId: string; ms: number };

const bus = new EventTarget();

export function requestSeek(request: SeekRequest) {
  bus.dispatchEvent(new CustomEvent<SeekRequest>("seek", { detail: request }));
}

/** Calls `listener` for each request; returns the unsubscribe function. */
export function onSeek(listener: (request: SeekRequest) => void): () => void {
  const handler = (e: Event) => listener((e as CustomEvent<SeekRequest>).detail);
  bus.addEventListener("seek", handler);
  return () => bus.removeEventListener("seek", handler);
}
