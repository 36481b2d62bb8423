//! Vacancies, their requirements, pipeline stats and invites.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { Id, orNull, Status, Timestamp } from "@/lib/schema";

export const Requirement = z.object({
  text: z.string().trim().min(1),
  kind: z.enum(["must", "nice"]),
  weight: z.number().int().min(1).max(10),
  min_years: orNull(z.number().int().min(0).max(50)),
});
export type Requirement = z.infer<typeof Requirement>;

export const Counts = z.object({
  awaiting_response: z.number().int(),
  in_interview: z.number().int(),
  evaluation: z.number().int(),
  awaiting_manager_decision: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
});

export const FunnelStep = z.object({ from: Status, to: Status, rate: orNull(z.number().min(0).max(1)) });
export type FunnelStep = z.infer<typeof FunnelStep>;

export const Stats = z.object({
  counts: Counts,
  total: z.number().int(),
  funnel: z.array(FunnelStep),
});
export type Stats = z.infer<typeof Stats>;

export const VacancyLanguage = z.enum(["ru", "en"]);

export const Vacancy = z.object({
  id: Id,
  title: z.string(),
  description: z.string(),
  requirements: z.array(Requirement),
  min_experience_years: orNull(z.number()),
  location: orNull(z.string()),
  remote: z.boolean(),
  language: VacancyLanguage,
  state: z.enum(["open", "closed"]),
  manager_id: Id,
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int(),
  stats: Stats,
});
export type Vacancy = z.infer<typeof Vacancy>;

/** What the form sends on create (and a subset on PATCH). */
export const VacancyInput = z.object({
  title: z.string().trim().min(1),
  description: z.string(),
  requirements: z.array(Requirement),
  min_experience_years: z.number().int().min(0).max(50).nullable(),
  location: z.string().trim().nullable(),
  remote: z.boolean(),
  language: VacancyLanguage,
});
export type VacancyInput = z.infer<typeof VacancyInput>;

/** A draft parsed from an uploaded file: every field may be missing. */
export const VacancyDraft = z.object({
  title: z.string().nullish(),
  description: z.string().nullish(),
  requirements: z
    .array(
      z.object({
        text: z.string(),
        kind: z.enum(["must", "nice"]).catch("must"),
        weight: z.number().catch(5),
        min_years: z.number().nullish(),
      }),
    )
    .nullish(),
  min_experience_years: z.number().nullish(),
  location: z.string().nullish(),
  remote: z.boolean().nullish(),
  language: VacancyLanguage.nullish(),
  /** What the reader noticed in the file (hidden text, instructions aimed at the screener). */
  flags: z.array(z.string()).nullish(),
});
export type VacancyDraft = z.infer<typeof VacancyDraft>;

export const Invite = z.object({
  id: Id,
  vacancy_id: Id,
  application_id: orNull(Id),
  kind: z.enum(["personal", "open"]),
  expires_at: Timestamp,
});

export const InviteCreated = z.object({ invite: Invite, token: z.string(), url: z.string() });
export type InviteCreated = z.infer<typeof InviteCreated>;

/** Turns a server-relative invite url into the link a candidate can open. */
export function inviteLink(origin: string, url: string): string {
  if (/^https?:\/\//.test(url)) return url;
  return origin.replace(/\/$/, "") + (url.startsWith("/") ? url : `/${url}`);
}

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
export type VacancyApi = Api["VacancyView"];
export type _VacancyMatchesApi = Expect<Same<Vacancy, VacancyApi>>;
export type _RequirementMatchesApi = Expect<Same<Requirement, Api["Requirement"]>>;
export type _StatsMatchesApi = Expect<Same<Stats, Api["VacancyStats"]>>;
export type _InviteCreatedMatchesApi = Expect<Same<InviteCreated, Api["CreatedInvite"]>>;
