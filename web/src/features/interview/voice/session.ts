//! One voice interview call, without React: signalling, the peer connection, the `events`
//! channel, the transcript, and reconnecting with a new offer on the same token when the
//! network drops. Browser APIs, fetch and time are injected so the logic is tested alone.
import { ApiError } from "@/lib/api";
import type { ChatTurn } from "../schema";
import { encodeClientEvent, parseServerEvent, type AiState, type ClientEvent, type ServerEvent } from "./events";
import { fetchRtcConfig, finishByHttp, postOffer, RtcError, waitForIceGathering, type Fetch } from "./signalling";
import { mergeTurns } from "./transcript";

export type CallPhase =
  /** The first offer is on its way. */
  | "connecting"
  /** Media and events flow. */
  | "live"
  /** The connection dropped; a new offer is on its way (or waiting for its turn). */
  | "reconnecting"
  /** The worker is full; the next try is at `problem.retryAt`. */
  | "busy"
  /** "Завершить" was sent; waiting for the server to confirm. */
  | "finishing"
  | "finished"
  /** Stopped for a reason in `problem`; no automatic retries. */
  | "failed";

export type CallProblem =
  | { kind: "busy"; message: string; retryAt: number }
  | { kind: "taken_over"; message: string }
  | { kind: "expired"; message: string }
  | { kind: "not_found"; message: string }
  | { kind: "rejected"; message: string }
  | { kind: "server"; message: string }
  | { kind: "network"; message: string };

export type CallSnapshot = {
  phase: CallPhase;
  problem: CallProblem | null;
  ai: AiState | null;
  turns: ChatTurn[];
  /** Typed answers sent over the channel that the server has not echoed yet. */
  pending: string[];
  done: number;
  planned: number;
  notice: string | null;
  /** When the call first went live (ms), for the elapsed time; kept across reconnects. */
  connectedAt: number | null;
  remoteStream: MediaStream | null;
  channelOpen: boolean;
  muted: boolean;
  /** Reconnect attempts since the call was last live. */
  attempt: number;
};

export type SessionDeps = {
  fetch: Fetch;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (id: unknown) => void;
  /** How long to gather ICE candidates before sending the offer anyway. */
  iceGatherTimeoutMs: number;
  /** How long `disconnected` may last before a new offer is made (it often heals by itself). */
  disconnectGraceMs: number;
  /** How long an answered offer may take to open the channel before trying again. */
  connectTimeoutMs: number;
  /** Wait before reconnect attempt `n` (1-based). */
  backoffMs: (attempt: number) => number;
  maxReconnectAttempts: number;
  /** How long to wait for `finished` after sending `finish` before ending over HTTP. */
  finishTimeoutMs: number;
  /** Seconds to wait on a 503 that did not say how long. */
  defaultRetryAfterS: number;
  /** The server's transcript (GET /api/interview/{token}), merged in after a reconnect. */
  resync?: () => Promise<ChatTurn[] | undefined>;
};

export const defaultDeps = (): SessionDeps => ({
  fetch: (...args) => globalThis.fetch(...args),
  createPeerConnection: (config) => new RTCPeerConnection(config),
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
  iceGatherTimeoutMs: 3000,
  disconnectGraceMs: 3000,
  connectTimeoutMs: 15000,
  backoffMs: (n) => Math.min(10_000, 1000 * 2 ** (n - 1)),
  maxReconnectAttempts: 10,
  finishTimeoutMs: 5000,
  defaultRetryAfterS: 15,
});

/** Terminal states in which the camera and microphone should be released. */
export function releasesMedia(s: CallSnapshot): boolean {
  if (s.phase === "finished") return true;
  if (s.phase !== "failed" || !s.problem) return false;
  return ["taken_over", "expired", "not_found", "rejected"].includes(s.problem.kind);
}

const normalise = (s: string) => s.trim().replace(/\s+/g, " ");

export class VoiceSession {
  private snap: CallSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly deps: SessionDeps;
  private pc: RTCPeerConnection | null = null;
  private channel: RTCDataChannel | null = null;
  /** Bumped for every connection attempt; callbacks of older attempts are ignored. */
  private generation = 0;
  /** No more reconnects: finished, taken over, closed by the page. */
  private stopped = false;
  private reconnectTimer: unknown = null;
  private graceTimer: unknown = null;
  private connectTimer: unknown = null;
  private finishTimer: unknown = null;
  private everLive = false;

  constructor(
    private readonly token: string,
    private readonly stream: MediaStream,
    initial: { turns: ChatTurn[]; done: number; planned: number },
    deps: Partial<SessionDeps> = {},
  ) {
    this.deps = { ...defaultDeps(), ...deps };
    this.snap = {
      phase: "connecting",
      problem: null,
      ai: null,
      turns: mergeTurns([], initial.turns),
      pending: [],
      done: initial.done,
      planned: initial.planned,
      notice: null,
      connectedAt: null,
      remoteStream: null,
      channelOpen: false,
      muted: false,
      attempt: 0,
    };
  }

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  };

  getSnapshot = (): CallSnapshot => this.snap;

  private set(patch: Partial<CallSnapshot>) {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.listeners) fn();
  }

  start() {
    void this.connect();
  }

  /** Typed answer; false when the channel is not open (the page says so). */
  sendText(text: string): boolean {
    const t = text.trim();
    if (!t || !this.send({ type: "text", text: t })) return false;
    this.set({ pending: [...this.snap.pending, t] });
    return true;
  }

  setMuted(muted: boolean) {
    for (const track of this.stream.getAudioTracks()) track.enabled = !muted;
    this.set({ muted });
  }

  /** Ends the interview: over the channel when open, else (or if no reply comes) over HTTP. */
  finish() {
    if (this.stopped) return;
    this.set({ phase: "finishing" });
    if (this.send({ type: "finish" })) {
      this.finishTimer = this.deps.setTimeout(() => void this.finishOverHttp(), this.deps.finishTimeoutMs);
    } else {
      void this.finishOverHttp();
    }
  }

  /** Tries again now (after a failure the page offers this, or while waiting for a full worker). */
  retryNow() {
    if (this.stopped) return;
    this.clear("reconnectTimer");
    this.set({ problem: null, attempt: 0 });
    void this.connect();
  }

  /** The page is leaving: close everything, no reconnects. The media stays with its owner. */
  close() {
    this.stopped = true;
    this.generation++;
    for (const t of ["reconnectTimer", "graceTimer", "connectTimer", "finishTimer"] as const) this.clear(t);
    this.teardown();
  }

  private send(e: ClientEvent): boolean {
    const ch = this.channel;
    if (!ch || ch.readyState !== "open") return false;
    try {
      ch.send(encodeClientEvent(e));
      return true;
    } catch {
      return false;
    }
  }

  private clear(name: "reconnectTimer" | "graceTimer" | "connectTimer" | "finishTimer") {
    if (this[name] !== null) this.deps.clearTimeout(this[name]);
    this[name] = null;
  }

  private teardown() {
    const { pc, channel } = this;
    this.pc = null;
    this.channel = null;
    try {
      channel?.close();
    } catch {
      // Already closed.
    }
    try {
      pc?.close();
    } catch {
      // Already closed.
    }
  }

  private async connect() {
    if (this.stopped) return;
    const gen = ++this.generation;
    this.clear("graceTimer");
    this.clear("connectTimer");
    this.teardown();
    const reconnecting = this.everLive;
    this.set({
      phase: reconnecting ? "reconnecting" : "connecting",
      channelOpen: false,
      ai: null,
      problem: null,
    });
    const stale = () => gen !== this.generation || this.stopped;
    try {
      // Asked for on every attempt: TURN credentials are short-lived and a reconnect may come late.
      const cfg = await fetchRtcConfig(this.deps.fetch, this.token);
      if (stale()) return;
      const iceServers: RTCIceServer[] = cfg.ice_servers.map((s) => ({
        urls: s.urls,
        ...(s.username !== undefined ? { username: s.username } : {}),
        ...(s.credential !== undefined ? { credential: s.credential } : {}),
      }));
      const pc = this.deps.createPeerConnection({ iceServers });
      this.pc = pc;
      // The channel must exist before the offer so that the offer negotiates SCTP.
      const channel = pc.createDataChannel("events");
      this.channel = channel;
      channel.addEventListener("open", () => !stale() && this.onChannelOpen());
      channel.addEventListener("message", (e) => !stale() && this.onMessage((e as MessageEvent).data));
      channel.addEventListener("close", () => !stale() && this.onDrop(0));
      pc.addEventListener("track", (e) => {
        if (stale()) return;
        const ev = e as RTCTrackEvent;
        this.set({ remoteStream: ev.streams[0] ?? new MediaStream([ev.track]) });
      });
      pc.addEventListener("iceconnectionstatechange", () => !stale() && this.onIceState(pc.iceConnectionState));
      for (const track of this.stream.getTracks()) pc.addTrack(track, this.stream);
      const offer = await pc.createOffer();
      if (stale()) return;
      await pc.setLocalDescription(offer);
      await waitForIceGathering(pc, this.deps.iceGatherTimeoutMs);
      if (stale()) return;
      const sdp = pc.localDescription?.sdp ?? offer.sdp ?? "";
      const answer = await postOffer(this.deps.fetch, this.token, { type: "offer", sdp });
      if (stale()) return;
      await pc.setRemoteDescription(answer);
      if (stale()) return;
      this.connectTimer = this.deps.setTimeout(() => {
        this.connectTimer = null;
        if (!stale() && !this.snap.channelOpen) this.onDrop(0);
      }, this.deps.connectTimeoutMs);
    } catch (err) {
      if (stale()) return;
      this.onConnectError(err);
    }
  }

  private onConnectError(err: unknown) {
    const status = err instanceof ApiError ? err.status : 0;
    const message = err instanceof Error ? err.message : String(err);
    if (status === 404) return this.fail({ kind: "not_found", message });
    if (status === 410) return this.fail({ kind: "expired", message });
    if (status === 409 || status === 422) return this.fail({ kind: "rejected", message });
    if (status === 503) {
      const secs = (err instanceof RtcError ? err.retryAfter : null) ?? this.deps.defaultRetryAfterS;
      const retryAt = this.deps.now() + secs * 1000;
      this.generation++;
      this.teardown();
      this.set({ phase: "busy", problem: { kind: "busy", message, retryAt } });
      this.clear("reconnectTimer");
      this.reconnectTimer = this.deps.setTimeout(() => {
        this.reconnectTimer = null;
        void this.connect();
      }, secs * 1000);
      return;
    }
    // Network trouble, a 5xx, or the browser refusing the answer: try again a few times.
    this.scheduleReconnect(message);
  }

  private scheduleReconnect(message = "") {
    if (this.stopped || this.reconnectTimer !== null) return;
    const attempt = this.snap.attempt + 1;
    if (attempt > this.deps.maxReconnectAttempts) {
      this.fail({ kind: "network", message });
      return;
    }
    // The old connection's own close events are not a new drop.
    this.generation++;
    this.teardown();
    this.set({ attempt, phase: this.everLive ? "reconnecting" : "connecting", channelOpen: false, ai: null });
    this.reconnectTimer = this.deps.setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, this.deps.backoffMs(attempt));
  }

  /** The connection is gone or going: show it, then make a new offer after `delay`. */
  private onDrop(delay: number) {
    if (this.stopped || this.snap.phase === "finished") return;
    if (delay > 0) {
      this.set({ phase: "reconnecting" });
      if (this.graceTimer === null) {
        this.graceTimer = this.deps.setTimeout(() => {
          this.graceTimer = null;
          this.scheduleReconnect();
        }, delay);
      }
      return;
    }
    this.clear("graceTimer");
    this.scheduleReconnect();
  }

  private onIceState(state: RTCIceConnectionState) {
    if (state === "connected" || state === "completed") {
      this.clear("graceTimer");
      if (this.snap.phase === "reconnecting" && this.snap.channelOpen) this.set({ phase: "live" });
    } else if (state === "disconnected") {
      if (this.snap.phase !== "finishing") this.onDrop(this.deps.disconnectGraceMs);
    } else if (state === "failed") {
      this.onDrop(0);
    }
  }

  private onChannelOpen() {
    this.clear("connectTimer");
    this.clear("graceTimer");
    const resumed = this.everLive;
    this.everLive = true;
    this.set({
      phase: this.snap.phase === "finishing" ? "finishing" : "live",
      channelOpen: true,
      attempt: 0,
      problem: null,
      connectedAt: this.snap.connectedAt ?? this.deps.now(),
    });
    if (resumed && this.deps.resync) {
      const gen = this.generation;
      void this.deps
        .resync()
        .then((turns) => {
          if (turns && gen === this.generation) this.set({ turns: mergeTurns(this.snap.turns, turns) });
        })
        .catch(() => undefined);
    }
  }

  private onMessage(data: unknown) {
    const e = parseServerEvent(data);
    if (e) this.apply(e);
  }

  /** Applies one server event to the snapshot. */
  private apply(e: ServerEvent) {
    switch (e.type) {
      case "state":
        this.set({ ai: e.state });
        break;
      case "question": {
        const last = this.snap.turns.at(-1);
        // A new question means any typed answer before it has been taken.
        const pending = last && e.number > last.number ? [] : this.snap.pending;
        // A notice ("can you hear me?") is about the moment before; the conversation moved on.
        this.set({ turns: mergeTurns(this.snap.turns, [{ number: e.number, speaker: "interviewer", text: e.text }]), pending, notice: null });
        break;
      }
      case "answer": {
        // The typed texts this answer took: itself, or several joined ("Хм… " held, then the
        // answer).
        const taken = normalise(e.text);
        const pending = this.snap.pending.filter((p) => !taken.includes(normalise(p)));
        this.set({ turns: mergeTurns(this.snap.turns, [{ number: e.number, speaker: "candidate", text: e.text }]), pending, notice: null });
        break;
      }
      case "progress":
        this.set({ done: e.done, planned: e.planned });
        break;
      case "notice":
        // A notice answers what was typed ("the question again", a refusal): it was not taken
        // as an answer, so it is no longer waiting.
        this.set({ notice: e.text, pending: [] });
        break;
      case "finished":
        this.end();
        break;
      case "closed":
        if (e.code === "taken_over") this.fail({ kind: "taken_over", message: e.message });
        else if (e.code === "expired") this.fail({ kind: "expired", message: e.message });
        else this.fail({ kind: "server", message: e.message });
        break;
    }
  }

  private end() {
    this.stopped = true;
    this.generation++;
    for (const t of ["reconnectTimer", "graceTimer", "connectTimer", "finishTimer"] as const) this.clear(t);
    this.teardown();
    this.set({ phase: "finished", problem: null, channelOpen: false, ai: null, pending: [] });
  }

  private async finishOverHttp(tries = 0) {
    this.finishTimer = null;
    if (this.snap.phase === "finished") return;
    try {
      await finishByHttp(this.deps.fetch, this.token);
      this.end();
    } catch (err) {
      // Finished while the offer that starts the interview is still on its way: finish once it
      // has started (for up to ~10 s), so that no interview is left open behind a thank-you.
      if (err instanceof ApiError && err.code === "interview_not_started" && tries < 10) {
        this.finishTimer = this.deps.setTimeout(() => void this.finishOverHttp(tries + 1), 1000);
        return;
      }
      // Already finished elsewhere (or never started): the result is the same.
      if (err instanceof ApiError && err.status === 409) return this.end();
      if (err instanceof ApiError && err.status === 410) return this.fail({ kind: "expired", message: err.message });
      this.set({
        phase: this.snap.channelOpen ? "live" : this.everLive ? "reconnecting" : "connecting",
        notice: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** Stops for good (or until the candidate retries, for server and network problems). */
  private fail(problem: CallProblem) {
    const retryable = problem.kind === "server" || problem.kind === "network";
    this.stopped = !retryable;
    this.generation++;
    for (const t of ["reconnectTimer", "graceTimer", "connectTimer", "finishTimer"] as const) this.clear(t);
    this.teardown();
    this.set({ phase: "failed", problem, channelOpen: false, ai: null });
  }
}
