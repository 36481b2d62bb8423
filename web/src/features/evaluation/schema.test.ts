//! The report parses what the engine writes, refuses what it does not, and knows when a decision
//! goes against the recommendation.
import { describe, expect, it } from "vitest";
import { EvaluationView, isAgainst } from "./schema";

const report = {
  evaluation: {
    lang: "ru",
    requirements: [
      {
        requirement: 0,
        text: "Rust",
        must: true,
        weight: 8,
        scored: true,
        verdict: "met",
        resume: null,
        interview: "evidenced",
        reason: "выполнено",
        resume_evidence: [],
        interview_evidence: [{ turn: 6, text: "Пишу на Rust с 2020 года" }],
      },
      {
        requirement: null,
        text: "Опыт",
        must: false,
        weight: 2,
        scored: true,
        verdict: "not_met",
        resume: "missing",
        interview: "not_asked",
        reason: "нет опыта",
        resume_evidence: [],
        interview_evidence: [],
      },
    ],
    score: 92,
    recommendation: "advance",
    rule: "Отказ, если …",
    rule_applied: "дальше: балл 92 не ниже 70",
    flags: [{ kind: "needs_follow_up", red: false, turns: [5, 9], detail: "уточнения" }],
    strengths: ["Rust"],
    gaps: [],
    summary: { questions: 9, follow_ups: 4, specific_answers: 3, deflected_topics: 0, contradicted_turns: 0 },
    dropped_quotes: 0,
    rubric_version: "interview-eval-1",
    engine: "otbor-interview offline",
    input_hash: "abc",
  },
  created_at: "2026-11-25T08:37:42Z",
  interview: {
    turns: [
      { number: 1, speaker: "interviewer", item: 0, text: "Здравствуйте!", decision: { kind: "ask", reason: "знакомство" }, phrased_by: "template" },
      { number: 2, speaker: "candidate", item: 0, text: "Привет", decision: null },
    ],
    red_flags: [],
    plan: {},
  },
};

describe("EvaluationView", () => {
  it("parses the engine's report and transcript", () => {
    const v = EvaluationView.parse(report);
    expect(v.evaluation.score).toBe(92);
    expect(v.evaluation.requirements[1].verdict).toBe("not_met");
    expect(v.evaluation.requirements[1].interview_evidence).toEqual([]);
    expect(v.interview.turns[0].decision?.reason).toBe("знакомство");
    expect(v.interview.turns[1].heard).toBeNull();
  });

  it("refuses a verdict the engine does not give", () => {
    const [first, second] = report.evaluation.requirements;
    const odd = { ...report, evaluation: { ...report.evaluation, requirements: [first, { ...second, verdict: "something_new" }] } };
    expect(EvaluationView.safeParse(odd).success).toBe(false);
  });

  it("accepts a report without an interview", () => {
    expect(EvaluationView.parse({ ...report, interview: null }).interview.turns).toEqual([]);
  });
});

describe("isAgainst", () => {
  it("is true only for rejecting an advance or accepting a reject", () => {
    expect(isAgainst("advance", "rejected")).toBe(true);
    expect(isAgainst("reject", "accepted")).toBe(true);
    expect(isAgainst("borderline", "accepted")).toBe(false);
    expect(isAgainst("borderline", "rejected")).toBe(false);
    expect(isAgainst("advance", "accepted")).toBe(false);
    expect(isAgainst(null, "rejected")).toBe(false);
  });
});
