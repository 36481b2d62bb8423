//! Candidates (the talent pool), their resume files and vacancy matches.
import { z } from "zod";
import { Id, Timestamp } from "@/lib/schema";

export const ResumeFile = z.object({
  key: z.string(),
  file_name: z.string(),
  content_type: z.string(),
  size: z.number(),
  uploaded_at: Timestamp,
});
export type ResumeFile = z.infer<typeof ResumeFile>;

export const Candidate = z.object({
  id: Id,
  full_name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  location: z.string().nullable(),
  source: z.string().nullable(),
  resume_files: z.array(ResumeFile),
  profile: z.record(z.string(), z.unknown()).nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int(),
});
export type Candidate = z.infer<typeof Candidate>;

export const SOURCES = ["hh.ru", "linkedin", "referral", "manual"] as const;

/** E.164: a plus and up to 15 digits, the first not zero. */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** Accepts what people type ("+7 (900) 123-45-67") and sends E.164 to the server. */
export function normalisePhone(input: string): string {
  const trimmed = input.trim();
  if (!trimmed) return "";
  const digits = trimmed.replace(/[^\d]/g, "");
  return trimmed.startsWith("+") ? `+${digits}` : digits.length ? `+${digits}` : trimmed;
}

const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === "" ? null : s))
  .nullable();

export const CandidateInput = z.object({
  full_name: z.string().trim().min(1),
  email: z
    .string()
    .trim()
    .transform((s) => (s === "" ? null : s))
    .pipe(z.email().nullable()),
  phone: z
    .string()
    .transform(normalisePhone)
    .transform((s) => (s === "" ? null : s))
    .pipe(z.string().regex(E164).nullable()),
  location: optionalText,
  source: optionalText,
});
export type CandidateInputRaw = z.input<typeof CandidateInput>;
export type CandidateInput = z.output<typeof CandidateInput>;

export const CANDIDATE_SORTS = ["name", "created_at", "updated_at"] as const;

export const Match = z.object({
  vacancy_id: Id,
  vacancy_title: z.string().nullish(),
  score: z.number().nullish(),
});
export const Matches = z.object({ items: z.array(Match) });
