//! The candidate's camera and microphone for the whole voice interview: asked for once, switched
//! when another device is picked, released when the page leaves or the call ends for good.
import { useCallback, useEffect, useRef, useState } from "react";
import {
  classifyMediaError,
  constraintsFor,
  listDevices,
  mediaSupported,
  resolveDeviceId,
  stopStream,
  type DeviceChoice,
  type DeviceLists,
  type MediaProblem,
} from "./devices";

export type LocalMedia = {
  status: "asking" | "ready" | "failed" | "released";
  problem: MediaProblem | null;
  stream: MediaStream | null;
  devices: DeviceLists;
  choice: DeviceChoice;
  /** Asks again (after the candidate allowed access or plugged a device in). */
  retry: () => void;
  choose: (kind: "audio" | "video", deviceId: string) => void;
  release: () => void;
};

export function useLocalMedia(): LocalMedia {
  const [status, setStatus] = useState<LocalMedia["status"]>("asking");
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [devices, setDevices] = useState<DeviceLists>({ audio: [], video: [] });
  const [choice, setChoice] = useState<DeviceChoice>({});
  const current = useRef<MediaStream | null>(null);
  const generation = useRef(0);

  const acquire = useCallback(async (want: DeviceChoice) => {
    const gen = ++generation.current;
    if (!mediaSupported()) {
      setStatus("failed");
      setProblem("unsupported");
      return;
    }
    setStatus("asking");
    setProblem(null);
    // Some cameras cannot be opened twice: let go of the old one first.
    stopStream(current.current);
    current.current = null;
    setStream(null);
    try {
      const s = await navigator.mediaDevices.getUserMedia(constraintsFor(want));
      if (gen !== generation.current) {
        stopStream(s);
        return;
      }
      current.current = s;
      setStream(s);
      setStatus("ready");
      const audioId = s.getAudioTracks()[0]?.getSettings().deviceId ?? want.audioId;
      const videoId = s.getVideoTracks()[0]?.getSettings().deviceId ?? want.videoId;
      setChoice({ audioId, videoId });
      const lists = await listDevices().catch(() => null);
      if (gen !== generation.current || !lists) return;
      setDevices({ audio: lists.audio, video: lists.video });
      setChoice({
        audioId: resolveDeviceId(audioId, lists.audio, lists.all),
        videoId: resolveDeviceId(videoId, lists.video, lists.all),
      });
    } catch (err) {
      if (gen !== generation.current) return;
      setStatus("failed");
      setProblem(classifyMediaError(err));
      // The lists still tell "no camera" from "no microphone".
      const lists = await listDevices().catch(() => null);
      if (gen === generation.current && lists) setDevices({ audio: lists.audio, video: lists.video });
    }
  }, []);

  useEffect(() => {
    void acquire({});
    const md = typeof navigator !== "undefined" ? navigator.mediaDevices : undefined;
    const onChange = () => void listDevices().then((l) => setDevices({ audio: l.audio, video: l.video }), () => undefined);
    md?.addEventListener?.("devicechange", onChange);
    return () => {
      generation.current++;
      md?.removeEventListener?.("devicechange", onChange);
      stopStream(current.current);
      current.current = null;
    };
  }, [acquire]);

  const release = useCallback(() => {
    generation.current++;
    stopStream(current.current);
    current.current = null;
    setStatus("released");
  }, []);

  return {
    status,
    problem,
    stream,
    devices,
    choice,
    // After a failure the picked devices may be gone (that may be the failure): ask for any.
    retry: () => void acquire(status === "failed" ? {} : choice),
    choose: (kind, deviceId) => {
      const next = kind === "audio" ? { ...choice, audioId: deviceId } : { ...choice, videoId: deviceId };
      setChoice(next);
      void acquire(next);
    },
    release,
  };
}
