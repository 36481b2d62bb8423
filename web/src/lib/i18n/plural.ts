//! Plural forms by CLDR category (Intl.PluralRules): "1 кандидат", "2 кандидата", "5 кандидатов".
export type PluralForms = {
  one: string;
  few?: string;
  many?: string;
  other: string;
};

export type Lang = "ru" | "en";

/** The categories each language needs for integers, so dictionaries can be checked for completeness. */
export const REQUIRED_CATEGORIES: Record<Lang, (keyof PluralForms)[]> = {
  ru: ["one", "few", "many", "other"],
  en: ["one", "other"],
};

const rulesCache = new Map<Lang, Intl.PluralRules>();

function rules(lang: Lang): Intl.PluralRules {
  let r = rulesCache.get(lang);
  if (!r) {
    r = new Intl.PluralRules(lang);
    rulesCache.set(lang, r);
  }
  return r;
}

/** Picks the form for `n` and substitutes `{count}`. */
export function plural(lang: Lang, forms: PluralForms, n: number): string {
  const category = rules(lang).select(n) as keyof PluralForms;
  const form = forms[category] ?? forms.other;
  return form.replaceAll("{count}", String(n));
}

export function isPluralForms(v: unknown): v is PluralForms {
  return typeof v === "object" && v !== null && "one" in v && "other" in v;
}
