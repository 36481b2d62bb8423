//! Small pieces shared by the device check and the call: the self-view video and focus on the
//! heading of a step that has just appeared.
import { useEffect, useRef } from "react";

/** Shows a stream in a <video>; the candidate's own picture is mirrored like a mirror. */
export function SelfVideo({ stream, label, className }: { stream: MediaStream | null; label: string; className?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted aria-label={label} className={className} data-testid="self-video" />;
}

/** Moves focus to a heading when it appears, so keyboard and screen reader users follow the step. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return ref;
}
