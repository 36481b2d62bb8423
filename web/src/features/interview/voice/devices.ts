//! The camera and microphone before a call: asking for them, naming what went wrong in words a
//! candidate can act on, listing devices to choose from, and a short test sound.

export type MediaProblem =
  /** The browser or the operating system said no. */
  | "denied"
  /** No camera or no microphone. */
  | "not_found"
  /** Another application holds the device. */
  | "busy"
  /** No getUserMedia or WebRTC: an old browser or a page not served over HTTPS. */
  | "unsupported"
  | "unknown";

/** Maps a getUserMedia failure (a DOMException by name) to what the page explains. */
export function classifyMediaError(err: unknown): MediaProblem {
  const name = (err as { name?: string } | null)?.name ?? "";
  switch (name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "not_found";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "busy";
    case "TypeError":
      return "unsupported";
    default:
      return "unknown";
  }
}

export function mediaSupported(): boolean {
  return (
    typeof navigator !== "undefined" &&
    !!navigator.mediaDevices?.getUserMedia &&
    typeof globalThis.RTCPeerConnection === "function"
  );
}

export type DeviceChoice = { audioId?: string; videoId?: string };

export function constraintsFor(choice: DeviceChoice): MediaStreamConstraints {
  return {
    audio: {
      ...(choice.audioId ? { deviceId: { exact: choice.audioId } } : {}),
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
    video: {
      ...(choice.videoId ? { deviceId: { exact: choice.videoId } } : {}),
      width: { ideal: 640 },
      height: { ideal: 480 },
      frameRate: { ideal: 24, max: 30 },
    },
  };
}

export function stopStream(stream: MediaStream | null | undefined) {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

export type DeviceLists = { audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] };

/**
 * The listed device a track's `deviceId` stands for: itself, or for Chromium's "default" alias
 * the real device of the same group, so that the picker shows what is in use.
 */
export function resolveDeviceId(id: string | undefined, listed: MediaDeviceInfo[], all: MediaDeviceInfo[]): string | undefined {
  if (!id || listed.some((d) => d.deviceId === id)) return id;
  const alias = all.find((d) => d.deviceId === id);
  return listed.find((d) => alias?.groupId && d.groupId === alias.groupId)?.deviceId ?? listed[0]?.deviceId ?? id;
}

export async function listDevices(): Promise<DeviceLists & { all: MediaDeviceInfo[] }> {
  const all = await navigator.mediaDevices.enumerateDevices();
  // Chromium lists "default" and "communications" aliases besides the real devices; the aliases
  // only matter when they are all there is.
  const real = (kind: MediaDeviceKind) => {
    const of = all.filter((d) => d.kind === kind && d.deviceId);
    const named = of.filter((d) => d.deviceId !== "default" && d.deviceId !== "communications");
    return named.length > 0 ? named : of;
  };
  return { audio: real("audioinput"), video: real("videoinput"), all };
}

/**
 * Plays a short phrase so the candidate can check the speakers: the browser's own voice when it
 * has one for the language, else a two-note chime. Resolves when done (or after a few seconds).
 */
export function playTestSound(phrase: string, lang: "ru" | "en"): Promise<"speech" | "tone"> {
  const synth = globalThis.speechSynthesis;
  const locale = lang === "ru" ? "ru" : "en";
  const voice = synth?.getVoices().find((v) => v.lang.toLowerCase().startsWith(locale));
  if (synth && voice) {
    return new Promise((resolve) => {
      const u = new SpeechSynthesisUtterance(phrase);
      u.voice = voice;
      u.lang = voice.lang;
      const done = () => resolve("speech");
      u.onend = done;
      u.onerror = done;
      setTimeout(done, 6000);
      synth.cancel();
      synth.speak(u);
    });
  }
  return playTone().then(() => "tone" as const);
}

async function playTone(): Promise<void> {
  const Ctx = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  const ctx = new Ctx();
  const gain = ctx.createGain();
  gain.connect(ctx.destination);
  const t0 = ctx.currentTime + 0.05;
  for (const [i, freq] of [660, 880].entries()) {
    const osc = ctx.createOscillator();
    osc.type = "sine";
    osc.frequency.value = freq;
    osc.connect(gain);
    osc.start(t0 + i * 0.35);
    osc.stop(t0 + i * 0.35 + 0.3);
  }
  gain.gain.setValueAtTime(0, t0);
  gain.gain.linearRampToValueAtTime(0.25, t0 + 0.03);
  gain.gain.setValueAtTime(0.25, t0 + 0.6);
  gain.gain.linearRampToValueAtTime(0, t0 + 0.7);
  await new Promise((r) => setTimeout(r, 800));
  await ctx.close().catch(() => undefined);
}

/** Root-mean-square level of 8-bit time-domain samples, 0..1, scaled so speech fills the bar. */
export function levelOf(samples: Uint8Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) {
    const v = (s - 128) / 128;
    sum += v * v;
  }
  return Math.min(1, Math.sqrt(sum / samples.length) * 4);
}
