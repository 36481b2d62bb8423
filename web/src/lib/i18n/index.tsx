//! The tiny i18n: Russian first, English switchable, the choice kept in localStorage.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { en } from "./en";
import { formatBytes, formatDate, formatDateTime, formatMonthYear, formatPercent, languageName } from "./format";
import { isPluralForms, plural, type Lang, type PluralForms } from "./plural";
import { ru } from "./ru";

export type { Lang } from "./plural";
export type MessageKey = keyof typeof ru;
type PluralKey = { [K in MessageKey]: (typeof ru)[K] extends string ? never : K }[MessageKey];
type TextKey = Exclude<MessageKey, PluralKey>;
export type Vars = Record<string, string | number>;

export const dictionaries: Record<Lang, Record<MessageKey, string | PluralForms>> = { ru, en };
export const LANGS: Lang[] = ["ru", "en"];
const STORAGE_KEY = "otbor.lang";

function readStoredLang(): Lang {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (v === "ru" || v === "en") return v;
  } catch {
    // Storage can be unavailable (privacy mode); Russian is the default.
  }
  return "ru";
}

// The API client reads the language outside React to send Accept-Language.
let currentLang: Lang = readStoredLang();
export function getLang(): Lang {
  return currentLang;
}

function interpolate(s: string, vars?: Vars): string {
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** Translates a key in a given language; exported for tests and non-React code. */
export function translate(lang: Lang, key: TextKey, vars?: Vars): string {
  const v = dictionaries[lang][key] ?? dictionaries.ru[key] ?? key;
  return interpolate(isPluralForms(v) ? v.other : v, vars);
}

export function translateCount(lang: Lang, key: PluralKey, count: number): string {
  const v = dictionaries[lang][key];
  return isPluralForms(v) ? plural(lang, v, count) : String(v);
}

/** A length of experience: "5 лет 3 месяца", "1 year 2 months", "2 года", "3 месяца". */
export function formatDuration(lang: Lang, months: number): string {
  const m = Math.max(0, Math.round(months));
  const years = Math.floor(m / 12);
  const rest = m % 12;
  const parts: string[] = [];
  if (years > 0) parts.push(translateCount(lang, "common.years", years));
  if (rest > 0 || years === 0) parts.push(translateCount(lang, "common.months", rest));
  return parts.join(" ");
}

type I18n = {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: TextKey, vars?: Vars) => string;
  tn: (key: PluralKey, count: number) => string;
  /** Translates a dynamic key (e.g. `status.${s}`), falling back to the raw value. */
  td: (key: string, fallback?: string) => string;
  dateTime: (iso: string | null | undefined) => string;
  date: (iso: string | null | undefined) => string;
  percent: (rate: number | null | undefined) => string;
  bytes: (n: number) => string;
  /** Months of experience as years and months. */
  duration: (months: number) => string;
  /** "мар. 2019" from a year and an optional month. */
  monthYear: (year: number, month?: number | null) => string;
  /** A language's name in the UI language from its English name ("English" -> "английский"). */
  languageName: (english: string) => string;
};

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(currentLang);
  const setLang = useCallback((l: Lang) => {
    currentLang = l;
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      tn: (key, count) => translateCount(lang, key, count),
      td: (key, fallback) => {
        const v = dictionaries[lang][key as MessageKey];
        return typeof v === "string" ? v : (fallback ?? key);
      },
      dateTime: (iso) => formatDateTime(lang, iso),
      date: (iso) => formatDate(lang, iso),
      percent: (r) => formatPercent(lang, r),
      bytes: (n) => formatBytes(lang, n),
      duration: (m) => formatDuration(lang, m),
      monthYear: (y, m) => formatMonthYear(lang, y, m),
      languageName: (name) => languageName(lang, name),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
