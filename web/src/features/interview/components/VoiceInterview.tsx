//! The voice interview from the device check to the end: owns the camera and microphone for
//! both steps (asked for once), starts the call, and releases the devices when the call ends
//! for good. "Пройти в текстовом чате" is offered at every step.
import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useI18n } from "@/lib/i18n";
import type { InterviewInfo } from "../schema";
import { releasesMedia } from "../voice/session";
import { useLocalMedia } from "../voice/useLocalMedia";
import { useVoiceCall } from "../voice/useVoiceCall";
import { DeviceCheck } from "./DeviceCheck";
import { VoiceCallView } from "./VoiceCall";

/** The kinds of the stream's tracks that ended on their own (a device unplugged or revoked). */
function useEndedTracks(stream: MediaStream): ("audio" | "video")[] {
  const [ended, setEnded] = useState<("audio" | "video")[]>([]);
  useEffect(() => {
    const tracks = stream.getTracks();
    const handlers = tracks.map((track) => {
      const on = () => setEnded((cur) => (cur.includes(track.kind as "audio" | "video") ? cur : [...cur, track.kind as "audio" | "video"]));
      track.addEventListener("ended", on);
      return () => track.removeEventListener("ended", on);
    });
    return () => handlers.forEach((off) => off());
  }, [stream]);
  return ended;
}

function LiveCall({
  token,
  info,
  stream,
  onRelease,
  onChat,
  resync,
}: {
  token: string;
  info: InterviewInfo;
  stream: MediaStream;
  onRelease: () => void;
  onChat: () => void;
  resync: () => Promise<InterviewInfo | undefined>;
}) {
  const qc = useQueryClient();
  const call = useVoiceCall(
    token,
    stream,
    { turns: info.chat?.turns ?? [], done: info.chat?.done ?? 0, planned: info.chat?.planned ?? 0 },
    { resync: async () => (await resync())?.chat?.turns },
  );
  const s = call.snapshot;
  const release = releasesMedia(s);
  const lost = useEndedTracks(stream);

  useEffect(() => {
    if (!release) return;
    onRelease();
    // The page reloads the view: a finished interview shows its thank-you with the transcript.
    if (s.phase === "finished") void qc.invalidateQueries({ queryKey: ["interview", token] });
  }, [release, s.phase, onRelease, qc, token]);

  return <VoiceCallView call={call} stream={release ? null : stream} lost={release ? [] : lost} title={info.vacancy.title} onChat={onChat} />;
}

export function VoiceInterview({
  token,
  info,
  onChat,
  resync,
}: {
  token: string;
  info: InterviewInfo;
  /** Leave for the text chat (the page starts it when needed). */
  onChat: () => void;
  /** Reloads the interview view from the server. */
  resync: () => Promise<InterviewInfo | undefined>;
}) {
  const { t } = useI18n();
  const media = useLocalMedia();
  const [stage, setStage] = useState<"check" | "call">("check");
  const [seed, setSeed] = useState<InterviewInfo>(info);
  const resuming = !!info.chat && info.chat.turns.length > 0;

  const start = async () => {
    // The freshest transcript to fill the chat panel with before the channel adds to it.
    const fresh = await resync().catch(() => undefined);
    setSeed(fresh ?? info);
    setStage("call");
  };

  // After `release` the (stopped) stream stays in state, so the call keeps its last screen.
  if (stage === "call" && media.stream) {
    return <LiveCall token={token} info={seed} stream={media.stream} onRelease={media.release} onChat={onChat} resync={resync} />;
  }

  return (
    <Card className="mx-auto max-w-3xl" data-testid="voice-interview">
      <CardHeader>
        <CardTitle className="text-xl">{info.vacancy.title}</CardTitle>
        <CardDescription>{t("voice.modeVoice")}</CardDescription>
      </CardHeader>
      <CardContent>
        <DeviceCheck media={media} resuming={resuming} onStart={() => void start()} onChat={onChat} />
      </CardContent>
    </Card>
  );
}
