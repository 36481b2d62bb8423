//! The profile that resume intake read from a file, with provenance: every field keeps the span
//! of the analysed text it came from. Spans are byte offsets into the text's UTF-8, so they are
//! converted to JavaScript (UTF-16) string indices before highlighting.
import { z } from "zod";

export const Span = z.object({ start: z.number().int().min(0), end: z.number().int().min(0) });
export type Span = z.infer<typeof Span>;

/** A value with the span of text it came from and how sure the reader is (0..1). */
export const sourced = <T extends z.ZodType>(value: T) =>
  z.object({ value, span: Span, confidence: z.number().nullish() });
export type Sourced<T> = { value: T; span: Span; confidence?: number | null };

const SourcedText = sourced(z.string());
/** Some fields are plain strings in older profiles; both shapes become a Sourced (or null). */
const textField = z
  .union([SourcedText, z.string()])
  .nullish()
  .transform((v): Sourced<string> | null => (v == null ? null : typeof v === "string" ? { value: v, span: { start: 0, end: 0 } } : v));

const YearMonth = z.object({ year: z.number().int(), month: z.number().int().nullish() });
export type YearMonth = z.infer<typeof YearMonth>;

export const Experience = z.object({
  title: textField,
  company: textField,
  start: YearMonth.nullish(),
  /** `null` means "to the present". */
  end: YearMonth.nullish(),
  months: z.number().nullish(),
  year_only: z.boolean().nullish(),
  role_family: z.string().nullish(),
  description: textField,
  span: Span.nullish(),
});
export type Experience = z.infer<typeof Experience>;

export const Education = z.object({
  institution: z.string().nullish(),
  degree: z.string().nullish(),
  year_end: z.number().nullish(),
  text: z.string().nullish(),
});

export const LanguageSkill = z.object({ language: z.string(), level: z.string().nullish() });

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

export const Flag = z.object({ kind: z.string(), detail: z.string().nullish() });
export type Flag = z.infer<typeof Flag>;

/** A list whose broken items are dropped rather than failing the whole page. */
const lenientList = <T extends z.ZodType>(item: T) =>
  z
    .array(z.unknown())
    .nullish()
    .transform((xs) =>
      (xs ?? []).flatMap((x) => {
        const r = item.safeParse(x);
        return r.success ? [r.data as z.infer<T>] : [];
      }),
    );

export const ResumeProfile = z.object({
  full_name: textField,
  email: textField,
  phone: textField,
  city: textField,
  relocation_ready: sourced(z.boolean()).nullish(),
  links: lenientList(SourcedText),
  headline: textField,
  experience: lenientList(Experience),
  total_experience_months: z.number().nullish(),
  stated_experience_months: z
    .union([sourced(z.number()), z.number()])
    .nullish()
    .transform((v) => (typeof v === "number" ? { value: v, span: { start: 0, end: 0 } } : (v ?? null))),
  skills: lenientList(SourcedText),
  education: lenientList(sourced(Education)),
  languages: lenientList(sourced(LanguageSkill)),
  flags: lenientList(Flag),
  text: z.string().nullish(),
});
export type ResumeProfile = z.infer<typeof ResumeProfile>;

/** What `Candidate.profile` holds: which engine read which file, and the profile. */
export const StoredProfile = z.object({
  engine: z.string().nullish(),
  source_key: z.string().nullish(),
  profile: ResumeProfile,
});
export type StoredProfile = z.infer<typeof StoredProfile>;

/** Reads `Candidate.profile`; anything unexpected gives `null` (the page then shows no profile). */
export function readProfile(raw: unknown): StoredProfile | null {
  if (raw == null) return null;
  const r = StoredProfile.safeParse(raw);
  if (!r.success) {
    console.warn("Unexpected candidate profile", r.error.issues);
    return null;
  }
  return r.data;
}

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
export function hasAlarmingFlags(raw: unknown): boolean {
  const flags = (raw as { profile?: { flags?: unknown } } | null)?.profile?.flags;
  return Array.isArray(flags) && flags.some((f) => ALARMING_FLAGS.has((f as { kind?: string })?.kind ?? ""));
}
