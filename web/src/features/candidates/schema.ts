//! Candidates (the talent pool), their resume files and vacancy matches.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { Id, orNull, Timestamp } from "@/lib/schema";
import { StoredProfile } from "./profile";

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
  email: orNull(z.string()),
  phone: orNull(z.string()),
  location: orNull(z.string()),
  source: orNull(z.string()),
  resume_files: z.array(ResumeFile),
  /** The profile intake read from the candidate's resume, if any. */
  profile: orNull(StoredProfile),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int(),
});
export type Candidate = z.infer<typeof Candidate>;

/**
 * Known sources (the server stores them lower-cased); the server itself sets "upload" for
 * candidates read from a resume and "invite link" for those who came through an open link.
 */
export const SOURCES = ["hh.ru", "linkedin", "referral", "manual", "upload", "invite link"] as const;

/**
 * A loose check of what people type ("+7 (900) 123-45-67", "8 916 123 45 67"); the server
 * normalises to E.164 and refuses ambiguous numbers with a message for the "phone" field.
 */
export const PHONE_LIKE = /^\+?[\d\s().-]{7,25}$/;

// An empty string means "no value"; on PATCH it clears the field (the server's rule).
const optionalText = z.string().trim();

export const CandidateInput = z.object({
  full_name: z.string().trim().min(1),
  email: z.string().trim().pipe(z.union([z.literal(""), z.email()])),
  phone: z.string().trim().pipe(z.union([z.literal(""), z.string().regex(PHONE_LIKE)])),
  location: optionalText,
  source: optionalText,
});
export type CandidateInputRaw = z.input<typeof CandidateInput>;
export type CandidateInput = z.output<typeof CandidateInput>;

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
export type CandidateApi = Api["CandidateView"];
export type _CandidateMatchesApi = Expect<Same<Candidate, CandidateApi>>;
export type _ResumeFileMatchesApi = Expect<Same<ResumeFile, Api["ResumeFile"]>>;
