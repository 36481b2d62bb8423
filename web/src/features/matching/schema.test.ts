//! Match items as the server sends them: verdicts with evidence, or no detail when the server could not read it.
import { describe, expect, it } from "vitest";
import { Matches, verdictSubject } from "./schema";

const base = {
  candidate_id: "c1",
  vacancy_id: "v1",
  candidate_name: "Мингазова Лейсан",
  vacancy_title: "Бухгалтер",
  score: 72,
  applied: false,
  engine: "otbor-offline-1",
  computed_at: "2026-11-25T08:18:02Z",
};

describe("Matches", () => {
  it("reads verdicts with evidence, missing evidence and the scored flag", () => {
    const m = Matches.parse({
      items: [
        {
          ...base,
          detail: {
            score: 72,
            rubric_version: "offline-match-1",
            verdicts: [
              {
                requirement_index: 0,
                verdict: "met",
                evidence: { value: "1C:Accounting", span: { start: 1964, end: 2064 }, confidence: 0.95 },
                reason: "в резюме есть 1С:Бухгалтерия",
                scored: true,
              },
              { requirement_index: 2, verdict: "partial", evidence: null, reason: "опыт 34 мес.", scored: false },
              { requirement_index: 1, verdict: "missing", evidence: null, reason: "нет МСФО", scored: true },
            ],
          },
        },
      ],
    });
    const v = m.items[0].detail!.verdicts;
    expect(v[0].evidence?.value).toBe("1C:Accounting");
    expect(v[1].scored).toBe(false);
    expect(v[2].scored).toBe(true);
    expect(v[2].evidence).toBeNull();
  });

  it("keeps a match without a detail, and refuses a detail of another shape", () => {
    const m = Matches.parse({ items: [{ ...base, detail: null }, { ...base }] });
    expect(m.items.map((x) => x.detail)).toEqual([null, null]);
    expect(Matches.safeParse({ items: [{ ...base, detail: { something: "else" } }] }).success).toBe(false);
  });
});

describe("verdictSubject", () => {
  const vacancy = { requirements: ["1С", "МСФО"], min_experience_years: 3 };

  it("names the requirement, then the implicit minimum experience one past the end", () => {
    expect(verdictSubject(vacancy, 1)).toEqual({ kind: "requirement", requirement: "МСФО" });
    expect(verdictSubject(vacancy, 2)).toEqual({ kind: "experience", years: 3 });
  });

  it("gives nothing out of range, without a minimum, or without the vacancy", () => {
    expect(verdictSubject(vacancy, 3)).toBeNull();
    expect(verdictSubject(vacancy, -1)).toBeNull();
    expect(verdictSubject({ ...vacancy, min_experience_years: null }, 2)).toBeNull();
    expect(verdictSubject(undefined, 0)).toBeNull();
  });
});
