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
