//! Signalling over HTTP: errors in the API's shape, `Retry-After` from a full worker, and ICE
//! gathering that gives up waiting after a timeout.
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiError, FakePeerConnection, json } from "./fakes.test-util";
import { fetchRtcConfig, parseRetryAfter, postOffer, RtcError, waitForIceGathering } from "./signalling";

afterEach(() => {
  vi.useRealTimers();
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("30")).toBe(30);
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:20 GMT", Date.parse("2026-11-25T10:00:00Z"))).toBe(20);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});

describe("signalling requests", () => {
  it("gets the ICE servers for the token", async () => {
    const fetchFn = vi.fn(async () => json(200, { ice_servers: [{ urls: ["stun:stun.example:3478"] }] }));
    const cfg = await fetchRtcConfig(fetchFn, "tok");
    expect(cfg.ice_servers[0].urls).toEqual(["stun:stun.example:3478"]);
    expect(fetchFn).toHaveBeenCalledWith("/api/interview/tok/rtc/config", expect.objectContaining({ method: "GET" }));
  });

  it("posts the offer and reads the answer", async () => {
    const fetchFn = vi.fn(async (_url: string, init: RequestInit) => {
      expect(JSON.parse(String(init.body))).toEqual({ type: "offer", sdp: "v=0" });
      return json(200, { type: "answer", sdp: "v=0 answer" });
    });
    await expect(postOffer(fetchFn as unknown as typeof fetch, "tok", { type: "offer", sdp: "v=0" })).resolves.toEqual({
      type: "answer",
      sdp: "v=0 answer",
    });
  });

  it("turns a full worker into an error with the seconds to wait", async () => {
    const fetchFn = vi.fn(async () => apiError(503, "busy", "Все линии заняты", { "Retry-After": "12" }));
    const err = await postOffer(fetchFn, "tok", { type: "offer", sdp: "v=0" }).catch((e) => e);
    expect(err).toBeInstanceOf(RtcError);
    expect(err).toMatchObject({ status: 503, code: "busy", message: "Все линии заняты", retryAfter: 12 });
  });

  it("keeps the server's message for other errors and says so when the network is down", async () => {
    const gone = await postOffer(vi.fn(async () => apiError(410, "expired", "Срок ссылки истёк")), "t", { type: "offer", sdp: "x" }).catch((e) => e);
    expect(gone).toMatchObject({ status: 410, message: "Срок ссылки истёк", retryAfter: null });
    const down = await postOffer(vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))), "t", { type: "offer", sdp: "x" }).catch((e) => e);
    expect(down).toMatchObject({ status: 0, code: "network" });
  });
});

describe("waitForIceGathering", () => {
  it("resolves when gathering completes", async () => {
    const pc = new FakePeerConnection({}, [], 1, false);
    pc.iceGatheringState = "gathering";
    const done = waitForIceGathering(pc as unknown as RTCPeerConnection, 3000);
    pc.finishGathering();
    await expect(done).resolves.toBeUndefined();
  });

  it("gives up after the timeout with what was gathered", async () => {
    vi.useFakeTimers();
    const pc = new FakePeerConnection({}, [], 1, false);
    pc.iceGatheringState = "gathering";
    let resolved = false;
    void waitForIceGathering(pc as unknown as RTCPeerConnection, 3000).then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(2900);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(resolved).toBe(true);
  });
});
