//! The profile that resume intake read from a file, with provenance: every field keeps the span
//! of the analysed text it came from. Spans are byte offsets into the text's UTF-8, so they are
//! converted to JavaScript (UTF-16) string indices before highlighting.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { orNull } from "@/lib/schema";

export const Span = z.object({ start: z.number().int().min(0), end: z.number().int().min(0) });
export type Span = z.infer<typeof Span>;

/** A value with the span of text it came from and how sure the reader is (0..1). */
export const sourced = <T extends z.ZodType>(value: T) => z.object({ value, span: Span, confidence: z.number() });
export type Sourced<T> = { value: T; span: Span; confidence: number };

const SourcedText = sourced(z.string());

const YearMonth = z.object({ year: z.number().int(), month: z.number().int() });
export type YearMonth = z.infer<typeof YearMonth>;

export const Experience = z.object({
  title: orNull(SourcedText),
  company: orNull(SourcedText),
  start: YearMonth,
  /** `null` means "to the present". */
  end: orNull(YearMonth),
  months: z.number().int(),
  year_only: z.boolean(),
  role_family: orNull(z.string()),
  description: orNull(SourcedText),
  span: Span,
});
export type Experience = z.infer<typeof Experience>;

export const Education = z.object({
  institution: z.string(),
  degree: orNull(z.string()),
  year_end: orNull(z.number().int()),
  text: z.string(),
});

export const LanguageSkill = z.object({ language: z.string(), level: orNull(z.string()) });

export const FLAG_KINDS = [
  "invisible_characters",
  "hidden_text",
  "prompt_injection",
  "prompt_injection_in_metadata",
  "legacy_encoding",
  "ocr",
  "partial",
] as const;
/** Flags that mean someone tried to hide text or to instruct the screener. */
export const ALARMING_FLAGS: ReadonlySet<string> = new Set([
  "hidden_text",
  "invisible_characters",
  "prompt_injection",
  "prompt_injection_in_metadata",
]);

export const Flag = z.object({ kind: z.enum(FLAG_KINDS), detail: z.string() });
export type Flag = z.infer<typeof Flag>;

export const ResumeProfile = z.object({
  full_name: orNull(SourcedText),
  email: orNull(SourcedText),
  phone: orNull(SourcedText),
  city: orNull(SourcedText),
  relocation_ready: orNull(sourced(z.boolean())),
  links: z.array(SourcedText),
  headline: orNull(SourcedText),
  experience: z.array(Experience),
  total_experience_months: z.number().int(),
  stated_experience_months: orNull(sourced(z.number().int())),
  skills: z.array(SourcedText),
  education: z.array(sourced(Education)),
  languages: z.array(sourced(LanguageSkill)),
  flags: z.array(Flag).default([]),
  reference_month: YearMonth,
  text: z.string().default(""),
});
export type ResumeProfile = z.infer<typeof ResumeProfile>;

/** What a configured language model added to the profile (only values found verbatim). */
export const Refinement = z.object({
  provider: z.string(),
  model: z.string(),
  prompt_version: z.string(),
  filled: z.array(z.string()),
  dropped: z.array(z.string()),
  error: orNull(z.string()),
});

/** What `Candidate.profile` holds: which engine read which file, and the profile. */
export const StoredProfile = z.object({
  engine: z.string(),
  source_key: z.string(),
  profile: ResumeProfile,
  refinement: orNull(Refinement),
});
export type StoredProfile = z.infer<typeof StoredProfile>;

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
export type _StoredProfileMatchesApi = Expect<Same<StoredProfile, Api["StoredProfile"]>>;
export type _ResumeProfileMatchesApi = Expect<Same<ResumeProfile, Api["Profile"]>>;
export type _ExperienceMatchesApi = Expect<Same<Experience, Api["ExperienceEntry"]>>;
export type _FlagMatchesApi = Expect<Same<Flag, Api["ResumeFlag"]>>;
export type _SpanMatchesApi = Expect<Same<Span, Api["Span"]>>;
export type _SourcedMatchesApi = Expect<Same<Sourced<string>, Api["Sourced_String"]>>;

/**
 * Maps UTF-8 byte offsets of `text` to UTF-16 indices. An offset inside a multi-byte character
 * rounds down for a start and up for an end, so a span never cuts a character in half.
 */
export function byteOffsets(text: string): { start: (b: number) => number; end: (b: number) => number; bytes: number } {
  // For each code point in order: the byte offset and the UTF-16 index where it begins.
  const byteAt: number[] = [];
  const utf16At: number[] = [];
  let b = 0;
  let u = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    byteAt.push(b);
    utf16At.push(u);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    u += ch.length;
  }
  byteAt.push(b);
  utf16At.push(u);
  const total = b;
  // The last code point whose start is <= x.
  const floor = (x: number) => {
    let lo = 0;
    let hi = byteAt.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (byteAt[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const clamp = (x: number) => Math.max(0, Math.min(total, x));
  return {
    bytes: total,
    start: (x) => utf16At[floor(clamp(x))],
    end: (x) => {
      const i = floor(clamp(x));
      return byteAt[i] === clamp(x) ? utf16At[i] : utf16At[i + 1];
    },
  };
}

/** A span of the text as UTF-16 indices, or null when it is empty or outside the text. */
export function toCharRange(
  map: ReturnType<typeof byteOffsets>,
  span: Span | null | undefined,
): { start: number; end: number } | null {
  if (!span || span.end <= span.start || span.start >= map.bytes) return null;
  const start = map.start(span.start);
  const end = map.end(span.end);
  return end > start ? { start, end } : null;
}

export type Mark = { start: number; end: number; kind: "selected" | "hit" };
export type Segment = { text: string; start: number; kinds: Mark["kind"][] };

/** Splits `text` at every mark boundary; each piece lists the marks covering it (for <mark>s). */
export function segmentText(text: string, marks: Mark[]): Segment[] {
  const cuts = new Set([0, text.length]);
  const valid = marks.filter((m) => m.end > m.start && m.start < text.length);
  for (const m of valid) {
    cuts.add(Math.max(0, m.start));
    cuts.add(Math.min(text.length, m.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    if (b <= a) continue;
    const kinds = valid.filter((m) => m.start <= a && m.end >= b).map((m) => m.kind);
    out.push({ text: text.slice(a, b), start: a, kinds: [...new Set(kinds)] });
  }
  return out;
}

/** Where `query` occurs in `text`, ignoring case (at most `limit` hits). */
export function findAll(text: string, query: string, limit = 500): { start: number; end: number }[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [];
  const hay = text.toLocaleLowerCase();
  // Lower-casing keeps lengths for Cyrillic and Latin; if it did not, indices would drift.
  if (hay.length !== text.length) return [];
  const out: { start: number; end: number }[] = [];
  for (let i = hay.indexOf(q); i !== -1 && out.length < limit; i = hay.indexOf(q, i + q.length)) {
    out.push({ start: i, end: i + q.length });
  }
  return out;
}

/** Whether a stored profile carries a flag for hidden text or instructions to the screener. */
export function hasAlarmingFlags(stored: StoredProfile | null): boolean {
  return !!stored && stored.profile.flags.some((f) => ALARMING_FLAGS.has(f.kind));
}
