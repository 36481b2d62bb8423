//! Russian and English plural forms chosen by Intl.PluralRules.
import { describe, expect, it } from "vitest";
import { plural } from "./plural";
import { formatDuration, translateCount } from "./index";

const candidate = { one: "{count} кандидат", few: "{count} кандидата", many: "{count} кандидатов", other: "{count} кандидата" };

describe("Russian plural forms", () => {
  it.each([
    [1, "1 кандидат"],
    [2, "2 кандидата"],
    [4, "4 кандидата"],
    [5, "5 кандидатов"],
    [11, "11 кандидатов"],
    [12, "12 кандидатов"],
    [21, "21 кандидат"],
    [22, "22 кандидата"],
    [25, "25 кандидатов"],
    [101, "101 кандидат"],
    [111, "111 кандидатов"],
    [0, "0 кандидатов"],
  ])("%i gives %s", (n, expected) => {
    expect(plural("ru", candidate, n)).toBe(expected);
  });

  it("uses the app dictionary for counts of candidates, vacancies and users", () => {
    expect(translateCount("ru", "candidates.count", 1)).toBe("1 кандидат");
    expect(translateCount("ru", "candidates.count", 3)).toBe("3 кандидата");
    expect(translateCount("ru", "candidates.count", 5)).toBe("5 кандидатов");
    expect(translateCount("ru", "vacancies.count", 2)).toBe("2 вакансии");
    expect(translateCount("ru", "vacancies.count", 7)).toBe("7 вакансий");
    expect(translateCount("ru", "users.count", 21)).toBe("21 пользователь");
  });

  it("uses the fractional form for non-integers", () => {
    expect(translateCount("ru", "common.years", 1.5)).toBe("1.5 года");
  });
});

describe("English plural forms", () => {
  it("distinguishes one from other", () => {
    expect(translateCount("en", "candidates.count", 1)).toBe("1 candidate");
    expect(translateCount("en", "candidates.count", 0)).toBe("0 candidates");
    expect(translateCount("en", "candidates.count", 2)).toBe("2 candidates");
    expect(translateCount("en", "candidates.count", 21)).toBe("21 candidates");
  });
});

describe("lengths of experience", () => {
  it.each([
    [63, "5 лет 3 месяца"],
    [12, "1 год"],
    [13, "1 год 1 месяц"],
    [26, "2 года 2 месяца"],
    [34, "2 года 10 месяцев"],
    [5, "5 месяцев"],
    [0, "0 месяцев"],
    [252, "21 год"],
  ])("%i months in Russian is %s", (n, expected) => {
    expect(formatDuration("ru", n)).toBe(expected);
  });

  it("reads in English too", () => {
    expect(formatDuration("en", 63)).toBe("5 years 3 months");
    expect(formatDuration("en", 13)).toBe("1 year 1 month");
  });

  it("uses the genitive after «от» for minimum experience", () => {
    expect(translateCount("ru", "common.yearsFrom", 1)).toBe("от 1 года");
    expect(translateCount("ru", "common.yearsFrom", 3)).toBe("от 3 лет");
    expect(translateCount("ru", "common.yearsFrom", 5)).toBe("от 5 лет");
    expect(translateCount("ru", "common.yearsFrom", 21)).toBe("от 21 года");
  });
});
