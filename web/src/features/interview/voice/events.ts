//! The `events` data channel between the candidate's browser and the media worker: what the
//! server may say (validated with zod, unknown messages ignored) and what the page may send.
import { z } from "zod";

export const AiState = z.enum(["listening", "thinking", "speaking"]);
export type AiState = z.infer<typeof AiState>;

export const ServerEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("state"), state: AiState }),
  z.object({ type: z.literal("question"), number: z.number().int(), text: z.string() }),
  z.object({ type: z.literal("answer"), number: z.number().int(), text: z.string() }),
  z.object({ type: z.literal("progress"), done: z.number().int().min(0), planned: z.number().int().min(0) }),
  z.object({ type: z.literal("notice"), text: z.string() }),
  z.object({ type: z.literal("finished") }),
  z.object({
    type: z.literal("closed"),
    code: z.enum(["taken_over", "expired", "error"]).or(z.string()),
    message: z.string().optional().default(""),
  }),
]);
export type ServerEvent = z.infer<typeof ServerEvent>;

/**
 * Reads one message from the channel. Anything that is not JSON, not an object or not a known
 * event (a newer server, a stray message) gives `null` and is ignored rather than breaking the call.
 */
export function parseServerEvent(data: unknown): ServerEvent | null {
  if (typeof data !== "string") return null;
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  const r = ServerEvent.safeParse(raw);
  return r.success ? r.data : null;
}

export type ClientEvent = { type: "text"; text: string } | { type: "finish" };

export const encodeClientEvent = (e: ClientEvent): string => JSON.stringify(e);
