//! The evaluation report and the interview transcript as the staff API returns them: the
//! engine's `Evaluation` and, of its `Interview`, the turns the report shows. The schemas are
//! tied to the OpenAPI document at the end of this file.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { orNull, Timestamp } from "@/lib/schema";

export const Verdict = z.enum(["met", "partial", "not_met", "unknown"]);
export const Recommendation = z.enum(["advance", "borderline", "reject"]);
/** What the resume showed about a requirement (the match's verdict). */
const ResumeVerdict = z.enum(["met", "partial", "missing"]);
/** What the interview showed about a requirement. */
const Finding = z.enum([
  "evidenced",
  "answered",
  "vague",
  "unanswered",
  "evaded",
  "contradicted",
  "stated_anti_pattern",
  "not_asked",
]);

export const RequirementEvaluation = z.object({
  requirement: orNull(z.number().int()),
  text: z.string(),
  must: z.boolean(),
  weight: z.number().int(),
  scored: z.boolean(),
  verdict: Verdict,
  resume: orNull(ResumeVerdict),
  interview: Finding,
  reason: z.string(),
  resume_evidence: z.array(z.object({ text: z.string(), start: z.number().int() })),
  interview_evidence: z.array(z.object({ turn: z.number().int(), text: z.string() })),
});
export type RequirementEvaluation = z.infer<typeof RequirementEvaluation>;

export const Flag = z.object({
  kind: z.enum([
    "inconsistent_with_resume",
    "prompt_injection_attempt",
    "evasive",
    "needs_follow_up",
    "hidden_text_in_resume",
    "instructions_in_resume",
    "known_anti_pattern",
  ]),
  red: z.boolean(),
  turns: z.array(z.number().int()),
  detail: z.string(),
});
export type Flag = z.infer<typeof Flag>;

export const Evaluation = z.object({
  lang: z.enum(["ru", "en"]),
  requirements: z.array(RequirementEvaluation),
  score: z.number().int(),
  recommendation: Recommendation,
  rule: z.string(),
  rule_applied: z.string(),
  flags: z.array(Flag),
  strengths: z.array(z.string()),
  gaps: z.array(z.string()),
  summary: z.object({
    questions: z.number().int(),
    follow_ups: z.number().int(),
    specific_answers: z.number().int(),
    deflected_topics: z.number().int(),
    contradicted_turns: z.number().int(),
  }),
  dropped_quotes: z.number().int(),
  rubric_version: z.string(),
  engine: z.string(),
  input_hash: z.string(),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const TranscriptTurn = z.object({
  number: z.number().int(),
  speaker: z.enum(["interviewer", "candidate"]),
  /** The plan item the turn is about. */
  item: z.number().int(),
  text: z.string(),
  /** For the interviewer's turns: why this question. */
  decision: orNull(
    z.object({ kind: z.enum(["ask", "follow_up", "probe", "rephrase", "move_on", "skip", "close"]), reason: z.string() }),
  ),
  phrased_by: orNull(z.string()),
  /** The candidate began answering aloud before the question was over, having heard this much. */
  heard: orNull(z.string()),
});
export type TranscriptTurn = z.infer<typeof TranscriptTurn>;

/** Of the engine's state, what the report shows: the turns (the rest is not read). */
export const InterviewState = z.object({ turns: z.array(TranscriptTurn) });
export type InterviewState = z.infer<typeof InterviewState>;

export const EvaluationView = z.object({
  evaluation: Evaluation,
  created_at: Timestamp,
  /** No interview record: an empty transcript. */
  interview: orNull(InterviewState).transform((v) => v ?? { turns: [] }),
});
export type EvaluationView = z.infer<typeof EvaluationView>;

export const DECIDABLE = ["awaiting_manager_decision"] as const;
/** Statuses whose application may have a report to show. */
export const WITH_REPORT = new Set(["evaluation", "awaiting_manager_decision", "accepted", "rejected"]);

/** Whether a decision goes against the recommendation (then the server wants a reason). */
export function isAgainst(recommendation: string | null | undefined, decision: "accepted" | "rejected"): boolean {
  return (recommendation === "advance" && decision === "rejected") || (recommendation === "reject" && decision === "accepted");
}

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
// Of the interview, only the turns are read (and compared); an absent one reads as no turns.
export type EvaluationViewApi = Api["EvaluationView"];
export type _EvaluationViewMatchesApi = Expect<Same<Omit<EvaluationView, "interview">, Omit<EvaluationViewApi, "interview">>>;
export type _InterviewStateMatchesApi = Expect<Same<InterviewState, Pick<Api["Interview"], "turns">>>;
export type _EvaluationViewKeys = Expect<Same<keyof EvaluationView, keyof EvaluationViewApi>>;
export type _EvaluationMatchesApi = Expect<Same<Evaluation, Api["Evaluation"]>>;
export type _RequirementEvaluationMatchesApi = Expect<Same<RequirementEvaluation, Api["RequirementEvaluation"]>>;
export type _FlagMatchesApi = Expect<Same<Flag, Api["EvaluationFlag"]>>;
export type _TranscriptTurnMatchesApi = Expect<Same<TranscriptTurn, Api["Turn"]>>;
