//! The candidate's invite view and the details an open link asks for.
import { describe, expect, it } from "vitest";
import { InterviewInfo, OpenDetails } from "./schema";

describe("InterviewInfo", () => {
  it("parses what an invite token shows", () => {
    const info = InterviewInfo.parse({
      company: "Otbor",
      vacancy: { title: "QA", description: "Test things", language: "ru" },
      kind: "open",
      candidate_name: null,
      consent_given: false,
      expires_at: "2026-02-01T00:00:00Z",
      status: "awaiting_response",
      vacancy_closed: false,
    });
    expect(info.kind).toBe("open");
  });
});

describe("OpenDetails", () => {
  it("needs a name and an email; the phone is optional", () => {
    expect(OpenDetails.parse({ full_name: "Ann", email: "ann@example.com", phone: "" })).toEqual({
      full_name: "Ann",
      email: "ann@example.com",
      phone: undefined,
    });
    expect(OpenDetails.safeParse({ full_name: "", email: "x", phone: "" }).success).toBe(false);
    expect(OpenDetails.parse({ full_name: "Ann", email: "a@b.co", phone: " +44 7700 900123 " }).phone).toBe("+44 7700 900123");
  });
});

describe("recording retention", () => {
  const base = {
    company: "Otbor",
    vacancy: { title: "QA", description: "", language: "ru" },
    kind: "personal",
    candidate_name: "Ann",
    consent_given: true,
    expires_at: "2026-02-01T00:00:00Z",
    status: "in_interview",
    vacancy_closed: false,
  };

  it("is read when the server sends it", () => {
    expect(InterviewInfo.parse({ ...base, recording_retention_days: 90 }).recording_retention_days).toBe(90);
  });

  it("is absent, without failing the view, when missing or odd", () => {
    expect(InterviewInfo.parse(base).recording_retention_days ?? null).toBeNull();
    expect(InterviewInfo.parse({ ...base, recording_retention_days: "ninety" }).recording_retention_days).toBeNull();
    expect(InterviewInfo.parse({ ...base, recording_retention_days: 0 }).recording_retention_days).toBeNull();
  });
});
