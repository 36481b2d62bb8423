//! The candidate's side of an invite: what the token shows and the consent it asks for.
import { z } from "zod";
import { Status, Timestamp } from "@/lib/schema";
import { E164, normalisePhone } from "@/features/candidates/schema";

export const InterviewInfo = z.object({
  company: z.string(),
  vacancy: z.object({
    title: z.string(),
    description: z.string(),
    language: z.enum(["ru", "en"]),
  }),
  kind: z.enum(["personal", "open"]),
  candidate_name: z.string().nullable(),
  consent_given: z.boolean(),
  expires_at: Timestamp,
  status: Status.or(z.string()).nullable(),
});
export type InterviewInfo = z.infer<typeof InterviewInfo>;

/** The details an open link asks for; the phone is optional. */
export const OpenDetails = z.object({
  full_name: z.string().trim().min(1),
  email: z.email(),
  phone: z
    .string()
    .transform(normalisePhone)
    .pipe(z.union([z.literal(""), z.string().regex(E164)]))
    .transform((s) => (s === "" ? undefined : s)),
});
export type OpenDetails = z.infer<typeof OpenDetails>;
