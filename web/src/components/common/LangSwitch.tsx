//! RU / EN switch; the choice is kept in localStorage.
import { useI18n, LANGS } from "@/lib/i18n";
import { cn } from "@/lib/utils";

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div role="group" aria-label={t("lang.label")} className="bg-muted inline-flex rounded-md p-0.5">
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          aria-pressed={lang === l}
          data-testid={`lang-${l}`}
          onClick={() => setLang(l)}
          className={cn(
            "rounded px-2 py-1 text-xs font-semibold transition-colors focus-visible:ring-ring/50 outline-none focus-visible:ring-[3px]",
            lang === l ? "bg-background shadow-sm" : "text-muted-foreground hover:text-foreground",
          )}
        >
          {t(l === "ru" ? "lang.ru" : "lang.en")}
        </button>
      ))}
    </div>
  );
}
