//! Reading the resume profile: byte spans into Cyrillic text, the stored profile as intake writes it.
import { describe, expect, it } from "vitest";
import { byteOffsets, findAll, hasAlarmingFlags, segmentText, StoredProfile, toCharRange } from "./profile";

const enc = new TextEncoder();
/** The byte span of `needle` in `text`, as the server computes it. */
function spanOf(text: string, needle: string) {
  const i = text.indexOf(needle);
  const start = enc.encode(text.slice(0, i)).length;
  return { start, end: start + enc.encode(needle).length };
}

describe("byte spans", () => {
  const text = "Иван Петров\nemail: ivan@example.ru\nГород: Москва 🏙 Ок";

  it("map to the same substring in UTF-16", () => {
    const map = byteOffsets(text);
    expect(map.bytes).toBe(enc.encode(text).length);
    for (const needle of ["Иван Петров", "ivan@example.ru", "Москва", "Ок", "🏙"]) {
      const r = toCharRange(map, spanOf(text, needle));
      expect(r && text.slice(r.start, r.end)).toBe(needle);
    }
  });

  it("never cut a character in half and ignore empty or outside spans", () => {
    const map = byteOffsets("Москва");
    // Byte 1 is inside "М": the start rounds down, the end rounds up.
    expect(toCharRange(map, { start: 1, end: 3 })).toEqual({ start: 0, end: 2 });
    expect(toCharRange(map, { start: 4, end: 4 })).toBeNull();
    expect(toCharRange(map, { start: 100, end: 120 })).toBeNull();
    expect(toCharRange(map, { start: 0, end: 999 })).toEqual({ start: 0, end: 6 });
    expect(toCharRange(map, null)).toBeNull();
  });
});

describe("StoredProfile", () => {
  const sourced = (value: unknown, start = 0, end = 4) => ({ value, span: { start, end }, confidence: 0.9 });
  const stored = {
    engine: "otbor-offline-1",
    source_key: "uploads/x/cv.pdf",
    profile: {
      full_name: sourced("Иван"),
      email: null,
      phone: null,
      city: sourced("Москва"),
      relocation_ready: sourced(false),
      links: [],
      headline: null,
      experience: [
        {
          title: sourced("Бухгалтер"),
          company: null,
          start: { year: 2024, month: 2 },
          end: null,
          months: 34,
          year_only: false,
          role_family: "accounting",
          description: sourced("Учёт НДС"),
          span: { start: 10, end: 20 },
        },
      ],
      total_experience_months: 34,
      stated_experience_months: sourced(34),
      skills: [sourced("МСФО"), sourced("НДС")],
      education: [sourced({ institution: "КФУ", degree: "master", year_end: 2024, text: "2024 КФУ" })],
      languages: [sourced({ language: "English", level: "A2" })],
      flags: [{ kind: "prompt_injection", detail: "Ignore previous instructions…" }],
      reference_month: { year: 2026, month: 11 },
      text: "Иван …",
    },
    refinement: null,
  };

  it("reads the stored profile as intake writes it", () => {
    const p = StoredProfile.parse(stored);
    expect(p.profile.experience[0].title?.value).toBe("Бухгалтер");
    expect(p.profile.experience[0].end).toBeNull();
    expect(p.profile.skills.map((s) => s.value)).toEqual(["МСФО", "НДС"]);
    expect(p.profile.stated_experience_months?.value).toBe(34);
    expect(p.profile.flags[0].kind).toBe("prompt_injection");
  });

  it("refuses what intake does not write", () => {
    const plainTitle = { ...stored.profile.experience[0], title: "Developer" };
    expect(StoredProfile.safeParse({ ...stored, profile: { ...stored.profile, experience: [plainTitle] } }).success).toBe(false);
    expect(StoredProfile.safeParse({ something: "else" }).success).toBe(false);
  });

  it("knows when the profile carries flags for hidden text or instructions to the screener", () => {
    const withFlags = (...kinds: string[]) =>
      StoredProfile.parse({ ...stored, profile: { ...stored.profile, flags: kinds.map((kind) => ({ kind, detail: "" })) } });
    expect(hasAlarmingFlags(withFlags("prompt_injection"))).toBe(true);
    expect(hasAlarmingFlags(withFlags("ocr", "hidden_text"))).toBe(true);
    expect(hasAlarmingFlags(withFlags("ocr", "legacy_encoding"))).toBe(false);
    expect(hasAlarmingFlags(withFlags())).toBe(false);
    expect(hasAlarmingFlags(null)).toBe(false);
  });
});

describe("segmentText and findAll", () => {
  it("cuts the text at marks, overlapping marks covering the shared piece", () => {
    const segs = segmentText("абвгдеж", [
      { start: 1, end: 4, kind: "selected" },
      { start: 3, end: 5, kind: "hit" },
    ]);
    expect(segs.map((s) => [s.text, s.kinds.join("+")])).toEqual([
      ["а", ""],
      ["бв", "selected"],
      ["г", "selected+hit"],
      ["д", "hit"],
      ["еж", ""],
    ]);
    expect(segs.map((s) => s.text).join("")).toBe("абвгдеж");
  });

  it("finds every occurrence ignoring case", () => {
    expect(findAll("Москва, москва, МОСКВА", "москва")).toEqual([
      { start: 0, end: 6 },
      { start: 8, end: 14 },
      { start: 16, end: 22 },
    ]);
    expect(findAll("text", "  ")).toEqual([]);
  });
});
