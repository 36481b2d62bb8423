//! Stand-ins for the browser's WebRTC and media objects in unit tests: enough behaviour to drive
//! a `VoiceSession` through gathering, answering, channel events and dropped connections.

export class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = "connecting";
  readonly sent: unknown[] = [];
  constructor(readonly label: string) {
    super();
  }
  send(data: string) {
    if (this.readyState !== "open") throw new Error("channel not open");
    this.sent.push(JSON.parse(data));
  }
  close() {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.dispatchEvent(new Event("close"));
  }
  /** The server side: the channel opens. */
  open() {
    this.readyState = "open";
    this.dispatchEvent(new Event("open"));
  }
  /** The server side: one message. */
  receive(message: unknown) {
    const data = typeof message === "string" ? message : JSON.stringify(message);
    this.dispatchEvent(new MessageEvent("message", { data }));
  }
}

export class FakeTrack {
  enabled = true;
  stopped = false;
  constructor(readonly kind: "audio" | "video") {}
  stop() {
    this.stopped = true;
  }
}

export function fakeStream() {
  const tracks = [new FakeTrack("audio"), new FakeTrack("video")];
  return {
    tracks,
    stream: {
      getTracks: () => tracks,
      getAudioTracks: () => tracks.filter((t) => t.kind === "audio"),
      getVideoTracks: () => tracks.filter((t) => t.kind === "video"),
    } as unknown as MediaStream,
  };
}

/** What happened, in order, across all peer connections of a test. */
export type Log = string[];

export class FakePeerConnection extends EventTarget {
  iceGatheringState: RTCIceGatheringState = "new";
  iceConnectionState: RTCIceConnectionState = "new";
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  readonly channels: FakeChannel[] = [];
  readonly tracks: FakeTrack[] = [];
  closed = false;

  constructor(
    readonly config: RTCConfiguration,
    private readonly log: Log,
    readonly id: number,
    /** Gathering completes on its own after setLocalDescription unless false. */
    private readonly autoGather = true,
  ) {
    super();
  }
  createDataChannel(label: string) {
    this.log.push(`pc${this.id}:channel:${label}`);
    const ch = new FakeChannel(label);
    this.channels.push(ch);
    return ch;
  }
  addTrack(track: FakeTrack) {
    this.log.push(`pc${this.id}:track:${track.kind}`);
    this.tracks.push(track);
  }
  async createOffer() {
    this.log.push(`pc${this.id}:createOffer`);
    return { type: "offer", sdp: `offer-${this.id}` };
  }
  async setLocalDescription(d: { type: string; sdp: string }) {
    this.localDescription = d;
    this.iceGatheringState = "gathering";
    if (this.autoGather) queueMicrotask(() => this.finishGathering());
  }
  finishGathering() {
    this.iceGatheringState = "complete";
    this.localDescription = { type: "offer", sdp: `offer-${this.id}+candidates` };
    this.dispatchEvent(new Event("icegatheringstatechange"));
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    this.remoteDescription = d;
  }
  setIce(state: RTCIceConnectionState) {
    this.iceConnectionState = state;
    this.dispatchEvent(new Event("iceconnectionstatechange"));
  }
  close() {
    this.closed = true;
    this.log.push(`pc${this.id}:close`);
    for (const ch of this.channels) ch.close();
  }
  get channel() {
    return this.channels[0];
  }
}

export type Route = (url: string, init: RequestInit) => Response | Promise<Response>;

/** A JSON response without a body stream, so that it reads at once under fake timers. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  ({
    ok: status >= 200 && status < 300,
    status,
    statusText: String(status),
    headers: new Headers({ "Content-Type": "application/json", ...headers }),
    text: async () => JSON.stringify(body),
  }) as Response;

export const apiError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message } }, headers);
