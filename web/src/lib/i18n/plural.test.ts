//! Russian and English plural forms chosen by Intl.PluralRules.
import { describe, expect, it } from "vitest";
import { plural } from "./plural";
import { translateCount } from "./index";

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
