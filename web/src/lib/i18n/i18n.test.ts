//! The dictionaries are complete in both languages, and formatting follows the locale and time zone.
import { describe, expect, it } from "vitest";
import { dictionaries, translate, type MessageKey } from "./index";
import { isPluralForms, REQUIRED_CATEGORIES, type Lang } from "./plural";
import { formatDateTime, formatMonthYear, formatPercent, languageName } from "./format";

const langs: Lang[] = ["ru", "en"];
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const texts = (v: unknown): string[] =>
  isPluralForms(v) ? Object.values(v).filter((x): x is string => typeof x === "string") : [String(v)];

describe("i18n dictionaries", () => {
  it("have exactly the same keys in Russian and English", () => {
    const ru = Object.keys(dictionaries.ru).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en.filter((k) => !ru.includes(k))).toEqual([]);
    expect(ru.filter((k) => !en.includes(k))).toEqual([]);
  });

  it("have no empty messages", () => {
    for (const lang of langs) {
      for (const [key, v] of Object.entries(dictionaries[lang])) {
        for (const s of texts(v)) expect(s.trim(), `${lang}:${key}`).not.toBe("");
      }
    }
  });

  it("use the same placeholders in both languages", () => {
    for (const key of Object.keys(dictionaries.ru) as MessageKey[]) {
      const ru = placeholders(texts(dictionaries.ru[key])[0]);
      const en = placeholders(texts(dictionaries.en[key])[0]);
      expect(en, key).toEqual(ru);
    }
  });

  it("give every plural message the categories its language needs", () => {
    for (const lang of langs) {
      for (const [key, v] of Object.entries(dictionaries[lang])) {
        if (!isPluralForms(v)) continue;
        for (const cat of REQUIRED_CATEGORIES[lang]) {
          expect(v[cat], `${lang}:${key}.${cat}`).toBeTypeOf("string");
        }
        expect(isPluralForms(dictionaries[lang === "ru" ? "en" : "ru"][key as MessageKey]), key).toBe(true);
      }
    }
  });

  it("names every pipeline status and role in both languages", () => {
    expect(translate("ru", "status.awaiting_manager_decision")).toBe("Ожидание решения менеджера");
    expect(translate("en", "status.rejected")).toBe("Rejected");
    expect(translate("ru", "role.manager")).toBe("Менеджер");
  });

  it("interpolates variables", () => {
    expect(translate("en", "common.page", { page: 2, pages: 5 })).toBe("Page 2 of 5");
  });
});

describe("formatting", () => {
  it("shows dates in the given time zone", () => {
    const iso = "2026-03-01T21:30:00Z";
    expect(formatDateTime("en", iso, "Europe/Moscow")).toContain("00:30");
    expect(formatDateTime("en", iso, "UTC")).toContain("21:30");
  });

  it("shows a dash for a missing rate", () => {
    expect(formatPercent("en", null)).toBe("—");
    expect(formatPercent("en", 0.5)).toBe("50%");
  });
});

describe("month and language names", () => {
  it("shows a month and year, or the year alone", () => {
    expect(formatMonthYear("en", 2019, 3)).toMatch(/Mar.*2019/);
    expect(formatMonthYear("ru", 2019, 3)).toMatch(/мар.*2019/);
    expect(formatMonthYear("ru", 2019, null)).toBe("2019");
  });

  it("names languages in the UI language and keeps unknown names", () => {
    expect(languageName("ru", "English")).toBe("Английский");
    expect(languageName("en", "Tatar")).toBe("Tatar");
    expect(languageName("ru", "Klingon")).toBe("Klingon");
  });
});
