//! Vacancy schemas: what the API returns, what the form sends, imported drafts, invite links.
import { describe, expect, it } from "vitest";
import { inviteLink, InviteCreated, Vacancy, VacancyDraft, VacancyInput } from "./schema";
import { toInput } from "./components/VacancyFormPage";

const vacancy = {
  id: "0190a1b2-0000-7000-8000-000000000001",
  title: "Rust backend engineer",
  description: "Build the API",
  requirements: [{ text: "Rust", kind: "must", weight: 8, min_years: 2 }],
  min_experience_years: 3,
  location: "Москва",
  remote: true,
  language: "ru",
  state: "open",
  manager_id: "u1",
  created_at: "2026-01-01T10:00:00Z",
  updated_at: "2026-01-02T10:00:00Z",
  version: 1,
  stats: {
    counts: {
      awaiting_response: 2,
      in_interview: 1,
      evaluation: 0,
      awaiting_manager_decision: 0,
      accepted: 0,
      rejected: 1,
    },
    total: 4,
    funnel: [
      { from: "awaiting_response", to: "in_interview", rate: 0.5 },
      { from: "in_interview", to: "evaluation", rate: 0 },
      { from: "evaluation", to: "awaiting_manager_decision", rate: null },
      { from: "awaiting_manager_decision", to: "accepted", rate: null },
    ],
  },
};

describe("Vacancy schema", () => {
  it("accepts a vacancy as the API returns it", () => {
    const v = Vacancy.parse(vacancy);
    expect(v.stats.funnel[2].rate).toBeNull();
    expect(v.requirements[0].kind).toBe("must");
  });

  it("accepts optional fields left out, as the OpenAPI document allows, and reads them as null", () => {
    const { location: _l, min_experience_years: _m, ...rest } = vacancy;
    const v = Vacancy.parse({ ...rest, requirements: [{ text: "Rust", kind: "must", weight: 8 }] });
    expect(v.location).toBeNull();
    expect(v.min_experience_years).toBeNull();
    expect(v.requirements[0].min_years).toBeNull();
  });

  it("turns numeric ids into strings", () => {
    expect(Vacancy.parse({ ...vacancy, id: 7, manager_id: 3 }).id).toBe("7");
  });

  it("rejects an unknown state and a rate above 1", () => {
    expect(Vacancy.safeParse({ ...vacancy, state: "draft" }).success).toBe(false);
    const bad = structuredClone(vacancy);
    bad.stats.funnel[0].rate = 1.5;
    expect(Vacancy.safeParse(bad).success).toBe(false);
  });
});

describe("VacancyInput", () => {
  const input = {
    title: "QA",
    description: "",
    requirements: [{ text: "Testing", kind: "nice", weight: 3, min_years: null }],
    min_experience_years: null,
    location: null,
    remote: false,
    language: "en",
  };

  it("accepts weights 1..10 only, as integers", () => {
    expect(VacancyInput.safeParse(input).success).toBe(true);
    for (const weight of [0, 11, 2.5]) {
      const r = VacancyInput.safeParse({ ...input, requirements: [{ ...input.requirements[0], weight }] });
      expect(r.success, String(weight)).toBe(false);
    }
  });

  it("takes whole years only, as the server stores them", () => {
    const r = VacancyInput.safeParse({ ...input, requirements: [{ ...input.requirements[0], min_years: 1.5 }] });
    expect(r.success).toBe(false);
    expect(VacancyInput.safeParse({ ...input, min_experience_years: -1 }).success).toBe(false);
  });

  it("requires a title and requirement text", () => {
    expect(VacancyInput.safeParse({ ...input, title: "  " }).success).toBe(false);
    const r = VacancyInput.safeParse({ ...input, requirements: [{ ...input.requirements[0], text: "" }] });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0].path).toEqual(["requirements", 0, "text"]);
  });

  it("is built from the form with empty numbers as null", () => {
    const body = toInput({
      title: "Go dev",
      description: "d",
      location: "  ",
      remote: true,
      language: "ru",
      min_experience_years: "",
      requirements: [{ text: "Go", kind: "must", weight: "7", min_years: "2" }],
    });
    expect(body).toEqual({
      title: "Go dev",
      description: "d",
      location: "",
      remote: true,
      language: "ru",
      min_experience_years: null,
      requirements: [{ text: "Go", kind: "must", weight: 7, min_years: 2 }],
    });
    expect(VacancyInput.safeParse(body).success).toBe(true);
  });
});

describe("VacancyDraft", () => {
  it("tolerates missing fields and odd kinds in an imported draft", () => {
    const d = VacancyDraft.parse({ title: "From file", requirements: [{ text: "SQL", kind: "???", weight: "x" }] });
    expect(d.requirements?.[0]).toMatchObject({ text: "SQL", kind: "must", weight: 5 });
    expect(d.description).toBeUndefined();
  });
});

describe("invites", () => {
  it("parses the created invite and builds the full link", () => {
    const r = InviteCreated.parse({
      invite: { id: "i1", vacancy_id: "v1", application_id: null, kind: "open", expires_at: "2026-02-01T00:00:00Z" },
      token: "tok",
      url: "/i/tok",
    });
    expect(inviteLink("https://otbor.example/", r.url)).toBe("https://otbor.example/i/tok");
    expect(inviteLink("http://127.0.0.1:8080", "i/tok")).toBe("http://127.0.0.1:8080/i/tok");
    expect(inviteLink("http://x", "https://other/i/t")).toBe("https://other/i/t");
  });
});
