//! Candidate input rules: empty fields, phones left to the server, emails.
import { describe, expect, it } from "vitest";
import { Candidate, CandidateInput } from "./schema";

const blank = { full_name: "", email: "", phone: "", location: "", source: "" };

describe("CandidateInput", () => {
  it("trims the fields and keeps empty optional ones as empty strings (which clear them on PATCH)", () => {
    expect(CandidateInput.parse({ ...blank, full_name: " Анна ", location: " Казань " })).toEqual({
      full_name: "Анна",
      email: "",
      phone: "",
      location: "Казань",
      source: "",
    });
  });

  it("leaves phone normalisation to the server but refuses what is clearly not a phone", () => {
    expect(CandidateInput.parse({ ...blank, full_name: "A", phone: "+7 (900) 123-45-67" }).phone).toBe("+7 (900) 123-45-67");
    expect(CandidateInput.parse({ ...blank, full_name: "A", phone: "8 916 123 45 67" }).phone).toBe("8 916 123 45 67");
    expect(CandidateInput.safeParse({ ...blank, full_name: "A", phone: "call me" }).success).toBe(false);
    expect(CandidateInput.safeParse({ ...blank, full_name: "A", phone: "+12" }).success).toBe(false);
  });

  it("rejects a bad email and a bad phone with the field in the path", () => {
    const bad = CandidateInput.safeParse({ ...blank, full_name: "A", email: "nope", phone: "x" });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues.map((i) => i.path[0]).sort()).toEqual(["email", "phone"]);
  });

  it("requires a name", () => {
    expect(CandidateInput.safeParse({ ...blank, full_name: "  " }).success).toBe(false);
  });
});

describe("Candidate", () => {
  it("parses a candidate with resume files", () => {
    const c = Candidate.parse({
      id: "c1",
      full_name: "Иван Петров",
      email: null,
      phone: "+79001234567",
      location: null,
      source: "manual",
      resume_files: [
        { key: "k", file_name: "cv.pdf", content_type: "application/pdf", size: 1234, uploaded_at: "2026-01-01T00:00:00Z" },
      ],
      profile: null,
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      version: 1,
    });
    expect(c.resume_files).toHaveLength(1);
  });
});
