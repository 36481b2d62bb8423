//! An editable list of requirements: text, must/nice, weight 1..10, minimum years.
import { PlusIcon, Trash2Icon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { FieldError } from "@/components/common/FieldError";
import type { FieldErrors } from "@/lib/forms";
import { useI18n } from "@/lib/i18n";

export type RequirementRow = { text: string; kind: "must" | "nice"; weight: string; min_years: string };

export const emptyRequirement = (): RequirementRow => ({ text: "", kind: "must", weight: "5", min_years: "" });

export function RequirementsEditor({
  rows,
  onChange,
  errors,
}: {
  rows: RequirementRow[];
  onChange: (rows: RequirementRow[]) => void;
  errors: FieldErrors;
}) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<RequirementRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <fieldset className="space-y-3" data-testid="requirements-editor">
      <legend className="mb-2 text-sm font-medium">{t("vacancyForm.requirements")}</legend>
      {rows.length === 0 && (
        <p className="text-muted-foreground text-sm">{t("vacancyForm.noRequirements")}</p>
      )}
      {rows.map((r, i) => {
        const err = (k: string) => errors[`requirements.${i}.${k}`];
        const id = (k: string) => `req-${i}-${k}`;
        return (
          <div
            key={i}
            className="grid grid-cols-2 gap-2 rounded-lg border p-3 sm:grid-cols-[1fr_9rem_6rem_6rem_auto] sm:items-start"
            data-testid="requirement-row"
          >
            <div className="col-span-2 space-y-1 sm:col-span-1">
              <label htmlFor={id("text")} className="text-muted-foreground text-xs">
                {t("vacancyForm.requirementText")} {i + 1}
              </label>
              <Input
                id={id("text")}
                value={r.text}
                onChange={(e) => set(i, { text: e.target.value })}
                aria-invalid={!!err("text") || undefined}
                aria-describedby={err("text") ? `${id("text")}-error` : undefined}
              />
              <FieldError id={`${id("text")}-error`} message={err("text")} />
            </div>
            <div className="space-y-1">
              <label htmlFor={id("kind")} className="text-muted-foreground text-xs">
                {t("vacancyForm.kind")}
              </label>
              <Select value={r.kind} onValueChange={(v) => set(i, { kind: v as RequirementRow["kind"] })}>
                <SelectTrigger id={id("kind")} className="w-full">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="must">{t("vacancyForm.kind.must")}</SelectItem>
                  <SelectItem value="nice">{t("vacancyForm.kind.nice")}</SelectItem>
                </SelectContent>
              </Select>
            </div>
            <div className="space-y-1">
              <label htmlFor={id("weight")} className="text-muted-foreground text-xs">
                {t("vacancyForm.weight")}
              </label>
              <Input
                id={id("weight")}
                type="number"
                min={1}
                max={10}
                step={1}
                value={r.weight}
                onChange={(e) => set(i, { weight: e.target.value })}
                aria-invalid={!!err("weight") || undefined}
              />
              <FieldError id={`${id("weight")}-error`} message={err("weight")} />
            </div>
            <div className="space-y-1">
              <label htmlFor={id("min_years")} className="text-muted-foreground text-xs">
                {t("vacancyForm.minYears")}
              </label>
              <Input
                id={id("min_years")}
                type="number"
                min={0}
                step={1}
                value={r.min_years}
                onChange={(e) => set(i, { min_years: e.target.value })}
                aria-invalid={!!err("min_years") || undefined}
              />
              <FieldError id={`${id("min_years")}-error`} message={err("min_years")} />
            </div>
            <div className="flex items-end sm:pt-5">
              <Button
                type="button"
                variant="ghost"
                size="icon"
                aria-label={t("vacancyForm.removeRequirement", { n: i + 1 })}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                <Trash2Icon />
              </Button>
            </div>
          </div>
        );
      })}
      <FieldError id="requirements-error" message={errors.requirements} />
      <Button
        type="button"
        variant="outline"
        size="sm"
        data-testid="add-requirement"
        onClick={() => onChange([...rows, emptyRequirement()])}
      >
        <PlusIcon /> {t("vacancyForm.addRequirement")}
      </Button>
    </fieldset>
  );
}
