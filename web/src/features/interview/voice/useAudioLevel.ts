//! A live microphone level for a meter, read with a Web Audio AnalyserNode. The level is written
//! straight to the meter element each frame (no React render per frame).
import { useEffect, type RefObject } from "react";
import { levelOf } from "./devices";

export function useAudioLevel(stream: MediaStream | null, meter: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const track = stream?.getAudioTracks()[0];
    const Ctx = globalThis.AudioContext;
    if (!stream || !track || !Ctx) return;
    const ctx = new Ctx();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    analyser.smoothingTimeConstant = 0.6;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let smooth = 0;
    let frame = 0;
    let lastAria = 0;
    const tick = (t: number) => {
      analyser.getByteTimeDomainData(samples);
      const level = track.enabled ? levelOf(samples) : 0;
      // Fast attack, slow release, like a VU meter.
      smooth = level > smooth ? level : smooth * 0.85 + level * 0.15;
      const el = meter.current;
      if (el) {
        el.style.setProperty("--level", smooth.toFixed(3));
        if (t - lastAria > 500) {
          el.setAttribute("aria-valuenow", String(Math.round(smooth * 100)));
          lastAria = t;
        }
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    // A context made before a click may start suspended; the device check follows a click.
    void ctx.resume().catch(() => undefined);
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void ctx.close().catch(() => undefined);
    };
  }, [stream, meter]);
}
