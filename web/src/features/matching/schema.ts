//! Matches between candidates and vacancies, as the screening engine scored them, with the
//! per-requirement verdicts and the resume text that supports each one.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { Id, orNull, Timestamp } from "@/lib/schema";
import { sourced } from "@/features/candidates/profile";

export const VERDICTS = ["met", "partial", "missing"] as const;

export const Verdict = z.object({
  /** Index into the vacancy's requirements; past the end it is an implicit one (minimum experience). */
  requirement_index: z.number().int(),
  verdict: z.enum(VERDICTS),
  evidence: orNull(sourced(z.string())),
  reason: z.string(),
  /** False when the verdict is shown for information but does not enter the score. */
  scored: z.boolean(),
});
export type Verdict = z.infer<typeof Verdict>;

export const MatchDetail = z.object({
  score: z.number().int(),
  verdicts: z.array(Verdict),
  rubric_version: z.string(),
});
export type MatchDetail = z.infer<typeof MatchDetail>;

/** `score` is 0..100, computed by the server's code from per-requirement verdicts. */
export const Match = z.object({
  candidate_id: Id,
  vacancy_id: Id,
  candidate_name: z.string(),
  vacancy_title: z.string(),
  score: z.number().min(0).max(100),
  applied: z.boolean(),
  engine: z.string(),
  computed_at: Timestamp,
  /** `null` when the server could not read the detail (another engine's): the match stays. */
  detail: orNull(MatchDetail),
});
export type Match = z.infer<typeof Match>;

export const Matches = z.object({ items: z.array(Match) });

/**
 * What a verdict's row is about: the vacancy's requirement at that index; one past the end,
 * when the vacancy sets a minimum experience, the implicit experience requirement the engine
 * adds; otherwise nothing (the row is described by its reason alone).
 */
export function verdictSubject<R>(
  vacancy: { requirements: R[]; min_experience_years: number | null } | undefined,
  index: number,
): { kind: "requirement"; requirement: R } | { kind: "experience"; years: number } | null {
  if (!vacancy) return null;
  const req = vacancy.requirements[index];
  if (req !== undefined) return { kind: "requirement", requirement: req };
  if (vacancy.min_experience_years != null && index === vacancy.requirements.length) {
    return { kind: "experience", years: vacancy.min_experience_years };
  }
  return null;
}

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
export type MatchApi = Api["MatchView"];
export type _MatchMatchesApi = Expect<Same<Match, MatchApi>>;
export type _MatchDetailMatchesApi = Expect<Same<MatchDetail, Api["Match"]>>;
export type _VerdictMatchesApi = Expect<Same<Verdict, Api["Verdict"]>>;
