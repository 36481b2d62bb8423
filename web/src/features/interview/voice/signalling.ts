//! Signalling with the media worker over HTTP: the ICE servers to use, and one SDP offer for one
//! answer (no trickle: the offer carries every candidate gathered). Errors keep the API's shape,
//! plus the `Retry-After` of a full worker.
import { z } from "zod";
import { ApiError, toApiError } from "@/lib/api";
import { getLang } from "@/lib/i18n";

export const RtcConfig = z.object({
  ice_servers: z.array(
    z.object({
      urls: z.union([z.string(), z.array(z.string())]),
      username: z.string().optional(),
      credential: z.string().optional(),
    }),
  ),
});
export type RtcConfig = z.infer<typeof RtcConfig>;

export const RtcAnswer = z.object({ type: z.literal("answer"), sdp: z.string().min(1) });
export type RtcAnswer = z.infer<typeof RtcAnswer>;

/** An API error from signalling; `retryAfter` (seconds) is set when the worker is full (503). */
export class RtcError extends ApiError {
  readonly retryAfter: number | null;
  constructor(base: ApiError, retryAfter: number | null = null) {
    super(base.status, base.code, base.message, base.field);
    this.name = "RtcError";
    this.retryAfter = retryAfter;
  }
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date; anything else is unknown. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export type Fetch = typeof fetch;

const REQUEST_TIMEOUT_MS = 20_000;

const base = (token: string) => `/api/interview/${encodeURIComponent(token)}/rtc`;

async function call<S extends z.ZodType>(fetchFn: Fetch, method: string, url: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Accept-Language": getLang(),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A worker that never answers must not hold the page in "connecting" for good.
      signal: typeof AbortSignal.timeout === "function" ? AbortSignal.timeout(REQUEST_TIMEOUT_MS) : undefined,
    });
  } catch (e) {
    throw new RtcError(new ApiError(0, "network", e instanceof Error ? e.message : "Network error"));
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const retry = res.status === 503 ? parseRetryAfter(res.headers.get("Retry-After")) : null;
    throw new RtcError(toApiError(res.status, data, text.slice(0, 200) || res.statusText), retry);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new RtcError(new ApiError(0, "bad_response", `Unexpected response from ${method} ${url}`));
  return parsed.data;
}

export const fetchRtcConfig = (fetchFn: Fetch, token: string) => call(fetchFn, "GET", `${base(token)}/config`, RtcConfig);

export const postOffer = (fetchFn: Fetch, token: string, offer: { type: "offer"; sdp: string }) =>
  call(fetchFn, "POST", `${base(token)}/offer`, RtcAnswer, offer);

/** Ends the interview through the chat endpoint, for when the channel is down. */
export async function finishByHttp(fetchFn: Fetch, token: string): Promise<void> {
  await call(fetchFn, "POST", `/api/interview/${encodeURIComponent(token)}/finish`, z.unknown(), {});
}

/**
 * Resolves once ICE gathering is complete, or after `timeoutMs` with whatever was gathered by
 * then (a slow STUN server must not hold the call up).
 */
export function waitForIceGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      pc.removeEventListener("icecandidate", onCandidate);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === "complete") done();
    };
    // A null candidate also marks the end of gathering in older browsers.
    const onCandidate = (e: Event) => {
      if (!(e as RTCPeerConnectionIceEvent).candidate) done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener("icegatheringstatechange", check);
    pc.addEventListener("icecandidate", onCandidate);
  });
}
