//! Locale-aware formatting of dates, sizes and percentages in the user's own time zone.
import type { Lang } from "./plural";

const locales: Record<Lang, string> = { ru: "ru-RU", en: "en-GB" };

/** Date and time in the browser's time zone (Intl picks it up when timeZone is not given). */
export function formatDateTime(lang: Lang, iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[lang], {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(d);
}

export function formatDate(lang: Lang, iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locales[lang], { dateStyle: "medium", timeZone }).format(d);
}

export function formatPercent(lang: Lang, rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return "—";
  return new Intl.NumberFormat(locales[lang], { style: "percent", maximumFractionDigits: 0 }).format(
    rate,
  );
}

export function formatBytes(lang: Lang, size: number): string {
  const units = lang === "ru" ? ["Б", "КБ", "МБ", "ГБ"] : ["B", "KB", "MB", "GB"];
  let v = size;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const n = new Intl.NumberFormat(locales[lang], { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
  return `${n} ${units[i]}`;
}

/** A month and year ("мар. 2019 г." / "Mar 2019"), or the year alone when the month is unknown. */
export function formatMonthYear(lang: Lang, year: number, month?: number | null): string {
  if (!month) return String(year);
  // Noon UTC on the 15th: the same month in every time zone.
  const d = new Date(Date.UTC(year, month - 1, 15, 12));
  return new Intl.DateTimeFormat(locales[lang], { month: "short", year: "numeric", timeZone: "UTC" }).format(d);
}

/** ISO codes of the languages the resume reader names (in English). */
const LANGUAGE_CODES: Record<string, string> = {
  Arabic: "ar", Armenian: "hy", Azerbaijani: "az", Bashkir: "ba", Belarusian: "be", Chechen: "ce",
  Chinese: "zh", English: "en", French: "fr", Georgian: "ka", German: "de", Italian: "it",
  Japanese: "ja", Kazakh: "kk", Korean: "ko", Kyrgyz: "ky", Polish: "pl", Russian: "ru",
  Spanish: "es", Tajik: "tg", Tatar: "tt", Turkish: "tr", Ukrainian: "uk", Uzbek: "uz",
};

/** The name of a language in the UI language, capitalised; unknown names are shown as given. */
export function languageName(lang: Lang, english: string): string {
  const code = LANGUAGE_CODES[english];
  if (!code) return english;
  try {
    const name = new Intl.DisplayNames([locales[lang]], { type: "language" }).of(code) ?? english;
    return name.charAt(0).toLocaleUpperCase(locales[lang]) + name.slice(1);
  } catch {
    return english;
  }
}
