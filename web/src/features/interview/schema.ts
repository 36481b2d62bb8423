//! The candidate's side of an invite: what the token shows, the consent it asks for, the chat.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { orNull, Status, Timestamp } from "@/lib/schema";
import { PHONE_LIKE } from "@/features/candidates/schema";

export const ChatTurn = z.object({
  number: z.number().int(),
  speaker: z.enum(["interviewer", "candidate"]).or(z.string()),
  text: z.string(),
  /** A spoken answer begun while the question was still being said: what had been heard. */
  heard: z.string().nullish(),
});
export type ChatTurn = z.infer<typeof ChatTurn>;

/** The chat once started: the turns so far, the question waiting for an answer, progress. */
export const ChatView = z.object({
  turns: z.array(ChatTurn),
  question: orNull(z.string()),
  finished: z.boolean(),
  done: z.number().int(),
  planned: z.number().int(),
});
export type ChatView = z.infer<typeof ChatView>;

export const InterviewInfo = z.object({
  company: z.string(),
  vacancy: z.object({
    title: z.string(),
    description: z.string(),
    language: z.enum(["ru", "en"]),
  }),
  kind: z.enum(["personal", "open"]),
  candidate_name: orNull(z.string()),
  consent_given: z.boolean(),
  expires_at: Timestamp,
  status: orNull(Status.or(z.string())),
  chat: orNull(ChatView),
  /**
   * How long voice interview recordings are kept, for the consent text. Not in the API yet:
   * read when present, and anything odd is treated as absent (the text then says it generally).
   */
  recording_retention_days: z.number().int().positive().nullish().catch(null),
  /** After consent through an open link: this person's own link, where their interview goes on. */
  personal_token: orNull(z.string()),
  /** The vacancy is closed: the link starts no interview. */
  vacancy_closed: z.boolean(),
});
export type InterviewInfo = z.infer<typeof InterviewInfo>;

/** The details an open link asks for; the phone is optional. */
export const OpenDetails = z.object({
  full_name: z.string().trim().min(1),
  email: z.email(),
  phone: z
    .string()
    .trim()
    .pipe(z.union([z.literal(""), z.string().regex(PHONE_LIKE)]))
    .transform((s) => (s === "" ? undefined : s)),
});
export type OpenDetails = z.infer<typeof OpenDetails>;

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
// `status` is read leniently (an unknown status is shown raw), so it is compared one way only;
// `recording_retention_days` is optional on our side until the server sends it.
export type InterviewApi = Api["InterviewView"];
type Lenient = "status" | "recording_retention_days";
export type _InterviewMatchesApi = Expect<Same<Omit<InterviewInfo, Lenient>, Omit<InterviewApi, Lenient>>>;
export type _InterviewStatusFits = Expect<NonNullable<InterviewApi["status"]> extends NonNullable<InterviewInfo["status"]> ? true : false>;
export type _ChatViewMatchesApi = Expect<Same<ChatView, Api["ChatView"]>>;
