//! One voice call end to end against fakes: the offer as the media worker expects it, the
//! events filling the transcript, reconnecting on a dropped connection without duplicate turns,
//! taking over, a full worker, and finishing.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiError, fakeStream, FakePeerConnection, json, type Log } from "./fakes.test-util";
import { releasesMedia, VoiceSession, type SessionDeps } from "./session";

type Reply = () => Response;

function harness(opts: { offers?: Reply[]; finish?: Reply; deps?: Partial<SessionDeps>; initial?: ConstructorParameters<typeof VoiceSession>[2] } = {}) {
  const log: Log = [];
  const pcs: FakePeerConnection[] = [];
  const offers = [...(opts.offers ?? [])];
  const bodies: unknown[] = [];
  const fetchFn = vi.fn(async (url: string, init: RequestInit = {}) => {
    log.push(`${init.method} ${url}`);
    if (init.body) bodies.push(JSON.parse(String(init.body)));
    if (url.endsWith("/rtc/config")) return json(200, { ice_servers: [{ urls: ["stun:stun.example:3478"], username: "u", credential: "c" }] });
    if (url.endsWith("/rtc/offer")) return (offers.shift() ?? (() => json(200, { type: "answer", sdp: `answer-${pcs.length}` })))();
    if (url.endsWith("/finish")) return (opts.finish ?? (() => json(200, {})))();
    return apiError(404, "not_found", "no route");
  });
  const { stream, tracks } = fakeStream();
  const session = new VoiceSession("tok", stream, opts.initial ?? { turns: [], done: 0, planned: 5 }, {
    fetch: fetchFn as unknown as typeof fetch,
    createPeerConnection: (cfg) => {
      const pc = new FakePeerConnection(cfg, log, pcs.length + 1);
      pcs.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
    ...opts.deps,
  });
  const snap = () => session.getSnapshot();
  const pc = () => pcs.at(-1)!;
  return { session, log, pcs, pc, snap, tracks, bodies, fetchFn };
}

/** Lets pending promises and zero-delay timers run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-11-25T10:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("connecting", () => {
  it("offers audio, video and an events channel made before the offer, after gathering ICE", async () => {
    const h = harness();
    h.session.start();
    expect(h.snap().phase).toBe("connecting");
    await settle();
    expect(h.log).toEqual([
      "GET /api/interview/tok/rtc/config",
      "pc1:channel:events",
      "pc1:track:audio",
      "pc1:track:video",
      "pc1:createOffer",
      "POST /api/interview/tok/rtc/offer",
    ]);
    expect(h.pc().config.iceServers).toEqual([{ urls: ["stun:stun.example:3478"], username: "u", credential: "c" }]);
    // The offer sent is the one with the gathered candidates, not the first draft.
    expect(h.bodies[0]).toEqual({ type: "offer", sdp: "offer-1+candidates" });
    expect(h.pc().remoteDescription).toEqual({ type: "answer", sdp: "answer-1" });
    h.pc().channel.open();
    expect(h.snap()).toMatchObject({ phase: "live", channelOpen: true, connectedAt: Date.now() });
  });

  it("sends the offer anyway when gathering does not finish in time", async () => {
    const h = harness({ deps: { createPeerConnection: undefined } });
    const log: Log = [];
    const slow = new FakePeerConnection({}, log, 1, false);
    const s = new VoiceSession("tok", fakeStream().stream, { turns: [], done: 0, planned: 0 }, {
      fetch: h.fetchFn as unknown as typeof fetch,
      createPeerConnection: () => slow as unknown as RTCPeerConnection,
      iceGatherTimeoutMs: 3000,
    });
    s.start();
    await settle();
    expect(h.log.filter((l) => l.includes("/offer"))).toEqual([]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(h.log.filter((l) => l.includes("/offer"))).toHaveLength(1);
    expect(h.bodies.at(-1)).toEqual({ type: "offer", sdp: "offer-1" });
  });
});

describe("events", () => {
  it("fill the transcript, the interviewer's state and progress; unknown ones are ignored", async () => {
    const h = harness();
    h.session.start();
    await settle();
    const ch = h.pc().channel;
    ch.open();
    ch.receive({ type: "state", state: "speaking" });
    ch.receive({ type: "question", number: 1, text: "Расскажите о последнем проекте" });
    ch.receive({ type: "state", state: "listening" });
    ch.receive({ type: "answer", number: 2, text: "Я делал платёжный шлюз" });
    ch.receive({ type: "progress", done: 1, planned: 6 });
    ch.receive({ type: "notice", text: "Вы меня слышите?" });
    ch.receive({ type: "mood", value: "happy" });
    ch.receive("garbage");
    expect(h.snap()).toMatchObject({
      ai: "listening",
      done: 1,
      planned: 6,
      notice: "Вы меня слышите?",
      turns: [
        { number: 1, speaker: "interviewer", text: "Расскажите о последнем проекте" },
        { number: 2, speaker: "candidate", text: "Я делал платёжный шлюз" },
      ],
    });
  });

  it("sends a typed answer and shows it as pending until the server echoes it", async () => {
    const h = harness();
    expect(h.session.sendText("рано")).toBe(false);
    h.session.start();
    await settle();
    const ch = h.pc().channel;
    ch.open();
    ch.receive({ type: "question", number: 1, text: "Q1" });
    expect(h.session.sendText("  Пишу текстом  ")).toBe(true);
    expect(ch.sent).toEqual([{ type: "text", text: "Пишу текстом" }]);
    expect(h.snap().pending).toEqual(["Пишу текстом"]);
    ch.receive({ type: "answer", number: 2, text: "Пишу текстом" });
    expect(h.snap().pending).toEqual([]);
    expect(h.snap().turns.at(-1)).toEqual({ number: 2, speaker: "candidate", text: "Пишу текстом" });
  });

  it("takes typed texts joined into one answer, and ones answered by a notice, off the pending list", async () => {
    const h = harness();
    h.session.start();
    await settle();
    const ch = h.pc().channel;
    ch.open();
    ch.receive({ type: "question", number: 1, text: "Q1" });
    h.session.sendText("Повторите, пожалуйста");
    ch.receive({ type: "notice", text: "Повторю вопрос. Q1" });
    expect(h.snap().pending).toEqual([]);
    h.session.sendText("Хм, дайте подумать.");
    h.session.sendText("Пишу на Rust.");
    expect(h.snap().pending).toHaveLength(2);
    ch.receive({ type: "answer", number: 2, text: "Хм, дайте подумать. Пишу на Rust." });
    expect(h.snap().pending).toEqual([]);
  });

  it("drops a notice once the conversation moves on", async () => {
    const h = harness();
    h.session.start();
    await settle();
    const ch = h.pc().channel;
    ch.open();
    ch.receive({ type: "notice", text: "Вы меня слышите?" });
    expect(h.snap().notice).toBe("Вы меня слышите?");
    ch.receive({ type: "answer", number: 2, text: "Да, слышу" });
    expect(h.snap().notice).toBeNull();
  });

  it("mutes and unmutes the microphone track", async () => {
    const h = harness();
    h.session.setMuted(true);
    expect(h.tracks[0].enabled).toBe(false);
    expect(h.snap().muted).toBe(true);
    h.session.setMuted(false);
    expect(h.tracks[0].enabled).toBe(true);
  });
});

describe("reconnecting", () => {
  async function live(h: ReturnType<typeof harness>) {
    h.session.start();
    await settle();
    h.pc().channel.open();
    h.pc().channel.receive({ type: "question", number: 1, text: "Q1" });
    h.pc().channel.receive({ type: "answer", number: 2, text: "A1" });
    h.pc().channel.receive({ type: "question", number: 3, text: "Q2" });
  }

  it("makes a new offer on the same token when ICE fails, and resumes without duplicate turns", async () => {
    const resync = vi.fn(async () => [
      { number: 1, speaker: "interviewer", text: "Q1" },
      { number: 2, speaker: "candidate", text: "A1" },
      { number: 3, speaker: "interviewer", text: "Q2" },
    ]);
    const h = harness({ deps: { resync } });
    await live(h);
    const started = h.snap().connectedAt;
    h.pc().setIce("failed");
    expect(h.snap().phase).toBe("reconnecting");
    expect(h.pcs[0].closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.pcs).toHaveLength(2);
    // The ICE servers are asked for again (TURN credentials expire) and the offer is new.
    expect(h.log.filter((l) => l.startsWith("GET"))).toHaveLength(2);
    expect(h.log.filter((l) => l.startsWith("POST /api/interview/tok/rtc/offer"))).toHaveLength(2);
    h.pc().channel.open();
    // The server resumes at the same question and says it again.
    h.pc().channel.receive({ type: "question", number: 3, text: "Q2" });
    await settle();
    expect(h.snap().phase).toBe("live");
    expect(h.snap().turns.map((t) => t.number)).toEqual([1, 2, 3]);
    expect(resync).toHaveBeenCalledTimes(1);
    // Elapsed time counts from the first connection.
    expect(h.snap().connectedAt).toBe(started);
  });

  it("waits out a short disconnection before making a new offer", async () => {
    const h = harness({ deps: { disconnectGraceMs: 3000 } });
    await live(h);
    h.pc().setIce("disconnected");
    expect(h.snap().phase).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1500);
    h.pc().setIce("connected");
    expect(h.snap().phase).toBe("live");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.pcs).toHaveLength(1);
  });

  it("makes a new offer when the disconnection lasts", async () => {
    const h = harness({ deps: { disconnectGraceMs: 3000 } });
    await live(h);
    h.pc().setIce("disconnected");
    await vi.advanceTimersByTimeAsync(3000 + 1000);
    expect(h.pcs).toHaveLength(2);
  });

  it("backs off while the network is down, then gives up with a retry button", async () => {
    const down = () => {
      throw new TypeError("Failed to fetch");
    };
    const h = harness({ offers: [() => json(200, { type: "answer", sdp: "a" }), down, down, down], deps: { maxReconnectAttempts: 3 } });
    await live(h);
    h.pc().setIce("failed");
    expect(h.snap()).toMatchObject({ phase: "reconnecting", attempt: 1 });
    await vi.advanceTimersByTimeAsync(1000); // attempt 1 fails, the second is due in 2 s
    expect(h.snap()).toMatchObject({ phase: "reconnecting", attempt: 2 });
    await vi.advanceTimersByTimeAsync(2000); // attempt 2 fails
    await vi.advanceTimersByTimeAsync(4000); // attempt 3 fails
    expect(h.snap()).toMatchObject({ phase: "failed", problem: { kind: "network" } });
    expect(releasesMedia(h.snap())).toBe(false);
    h.session.retryNow();
    await settle();
    h.pc().channel.open();
    expect(h.snap().phase).toBe("live");
  });

  it("reconnects when the channel closes on its own", async () => {
    const h = harness();
    await live(h);
    h.pc().channel.close();
    expect(h.snap().phase).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.pcs).toHaveLength(2);
  });

  it("stops for good when another tab takes the interview over", async () => {
    const h = harness();
    await live(h);
    h.pc().channel.receive({ type: "closed", code: "taken_over", message: "Интервью открыто в другой вкладке" });
    expect(h.snap()).toMatchObject({ phase: "failed", problem: { kind: "taken_over" } });
    expect(releasesMedia(h.snap())).toBe(true);
    h.pcs[0].setIce("failed");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.pcs).toHaveLength(1);
    expect(h.snap().phase).toBe("failed");
  });
});

describe("signalling errors", () => {
  it("waits as long as a full worker asks, then tries again", async () => {
    const h = harness({ offers: [() => apiError(503, "busy", "Все линии заняты", { "Retry-After": "20" })] });
    h.session.start();
    await settle();
    expect(h.snap()).toMatchObject({
      phase: "busy",
      problem: { kind: "busy", message: "Все линии заняты", retryAt: Date.now() + 20_000 },
    });
    await vi.advanceTimersByTimeAsync(19_000);
    expect(h.pcs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.pcs).toHaveLength(2);
    h.pc().channel.open();
    expect(h.snap()).toMatchObject({ phase: "live", problem: null });
  });

  it.each([
    [404, "not_found"],
    [410, "expired"],
    [409, "rejected"],
    [422, "rejected"],
  ])("stops on %i with the server's words", async (status, kind) => {
    const h = harness({ offers: [() => apiError(status, "x", "Сообщение сервера")] });
    h.session.start();
    await settle();
    expect(h.snap()).toMatchObject({ phase: "failed", problem: { kind, message: "Сообщение сервера" } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.pcs).toHaveLength(1);
  });
});

describe("finishing", () => {
  it("sends finish over the channel and ends on the server's word", async () => {
    const h = harness();
    h.session.start();
    await settle();
    h.pc().channel.open();
    h.session.finish();
    expect(h.pc().channel.sent).toEqual([{ type: "finish" }]);
    expect(h.snap().phase).toBe("finishing");
    h.pc().channel.receive({ type: "finished" });
    expect(h.snap().phase).toBe("finished");
    expect(h.pcs[0].closed).toBe(true);
    expect(releasesMedia(h.snap())).toBe(true);
    expect(h.log.some((l) => l.endsWith("/finish"))).toBe(false);
  });

  it("ends over HTTP when the channel is down or the server does not answer", async () => {
    const h = harness({ deps: { finishTimeoutMs: 5000 } });
    h.session.start();
    await settle();
    h.pc().channel.open();
    h.session.finish();
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.log).toContain("POST /api/interview/tok/finish");
    expect(h.snap().phase).toBe("finished");
  });

  it("finished while the interview is still starting, ends it once it has started", async () => {
    const replies = [apiError(409, "interview_not_started", "Интервью ещё не началось"), json(200, {})];
    const h = harness({ finish: () => replies.shift()! });
    h.session.start();
    h.session.finish();
    await settle();
    expect(h.snap().phase).toBe("finishing");
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.log.filter((l) => l.endsWith("/finish"))).toHaveLength(2);
    expect(h.snap().phase).toBe("finished");
  });

  it("counts an interview already finished elsewhere as finished", async () => {
    const h = harness({ finish: () => apiError(409, "finished", "Интервью уже завершено") });
    h.session.start();
    await settle();
    h.session.finish();
    await settle();
    expect(h.snap().phase).toBe("finished");
  });
});
