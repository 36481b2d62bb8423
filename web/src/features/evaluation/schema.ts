//! The evaluation report and the interview transcript as the staff API returns them. The
//! server stores both as JSON written by the engine, so these schemas are lenient: unknown
//! enum values are kept as strings and shown raw rather than failing the whole page.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { orNull, Timestamp } from "@/lib/schema";

const str = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values).or(z.string());

export const Verdict = str(["met", "partial", "not_met", "unknown"]);
export const Recommendation = str(["advance", "borderline", "reject"]);

export const RequirementEvaluation = z.object({
  requirement: orNull(z.number().int()),
  text: z.string(),
  must: z.boolean(),
  weight: z.number(),
  scored: z.boolean().default(true),
  verdict: Verdict,
  resume: orNull(str(["met", "partial", "missing"])),
  interview: orNull(z.string()),
  reason: z.string().default(""),
  resume_evidence: z.array(z.object({ text: z.string(), start: z.number().optional() })).default([]),
  interview_evidence: z.array(z.object({ turn: z.number().int(), text: z.string() })).default([]),
});
export type RequirementEvaluation = z.infer<typeof RequirementEvaluation>;

export const Flag = z.object({
  kind: z.string(),
  red: z.boolean().default(false),
  turns: z.array(z.number().int()).default([]),
  detail: z.string().default(""),
});
export type Flag = z.infer<typeof Flag>;

export const Evaluation = z.object({
  lang: z.string().optional(),
  requirements: z.array(RequirementEvaluation),
  score: z.number(),
  recommendation: Recommendation,
  rule: z.string(),
  rule_applied: z.string(),
  flags: z.array(Flag).default([]),
  strengths: z.array(z.string()).default([]),
  gaps: z.array(z.string()).default([]),
  summary: z
    .object({
      questions: z.number().default(0),
      follow_ups: z.number().default(0),
      specific_answers: z.number().default(0),
    })
    .passthrough()
    .nullish(),
  dropped_quotes: z.number().default(0),
  rubric_version: z.string().default(""),
  engine: z.string().default(""),
  input_hash: z.string().default(""),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const TranscriptTurn = z.object({
  number: z.number().int(),
  speaker: z.string(),
  item: orNull(z.number().int()),
  text: z.string(),
  decision: orNull(z.object({ kind: z.string(), reason: z.string() })),
  /** The candidate began answering aloud before the question was over, having heard this much. */
  heard: z.string().nullish(),
});
export type TranscriptTurn = z.infer<typeof TranscriptTurn>;

/** The engine's state; only what the report shows is read. */
export const InterviewState = z
  .object({
    turns: z.array(TranscriptTurn).default([]),
    red_flags: z.array(z.unknown()).default([]),
  })
  .passthrough();

export const EvaluationView = z.object({
  evaluation: Evaluation,
  created_at: Timestamp,
  interview: InterviewState.nullish().transform((v) => v ?? { turns: [], red_flags: [] }),
});
export type EvaluationView = z.infer<typeof EvaluationView>;

export const DECIDABLE = ["awaiting_manager_decision"] as const;
/** Statuses whose application may have a report to show. */
export const WITH_REPORT = new Set(["evaluation", "awaiting_manager_decision", "accepted", "rejected"]);

/** Whether a decision goes against the recommendation (then the server wants a reason). */
export function isAgainst(recommendation: string | null | undefined, decision: "accepted" | "rejected"): boolean {
  return (recommendation === "advance" && decision === "rejected") || (recommendation === "reject" && decision === "accepted");
}

// Tied to the OpenAPI document: only the outer fields, since `evaluation` and `interview` are
// untyped objects there (their shapes are checked by the zod schemas above).
export type _EvaluationViewMatchesApi = Expect<Same<Omit<EvaluationView, "evaluation" | "interview">, Omit<Api["EvaluationView"], "evaluation" | "interview">>>;
export type _EvaluationViewKeys = Expect<Same<keyof EvaluationView, keyof Api["EvaluationView"]>>;
