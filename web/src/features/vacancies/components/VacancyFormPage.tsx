//! Create a vacancy (by hand or from a file's draft) or edit an existing one.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { Field } from "@/components/common/Field";
import { NotFound } from "@/components/common/NotFound";
import { PageHeader } from "@/components/common/PageHeader";
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from "@/lib/forms";
import { useI18n } from "@/lib/i18n";
import { useCreateVacancy, useUpdateVacancy, useVacancy } from "../api";
import { VacancyInput, type Vacancy, type VacancyDraft } from "../schema";
import { ImportCard } from "./ImportCard";
import { RequirementsEditor, emptyRequirement, type RequirementRow } from "./RequirementsEditor";

type FormValues = {
  title: string;
  description: string;
  location: string;
  remote: boolean;
  language: "ru" | "en";
  min_experience_years: string;
  requirements: RequirementRow[];
};

const blank = (): FormValues => ({
  title: "",
  description: "",
  location: "",
  remote: false,
  language: "ru",
  min_experience_years: "",
  requirements: [emptyRequirement()],
});

const num = (s: string): number | null => (s.trim() === "" ? null : Number(s));

function fromVacancy(v: Vacancy | VacancyDraft, base: FormValues): FormValues {
  return {
    title: v.title ?? base.title,
    description: v.description ?? base.description,
    location: v.location ?? base.location,
    remote: v.remote ?? base.remote,
    language: v.language ?? base.language,
    min_experience_years:
      v.min_experience_years != null ? String(v.min_experience_years) : base.min_experience_years,
    requirements: v.requirements
      ? v.requirements.map((r) => ({
          text: r.text,
          kind: r.kind,
          weight: String(Math.min(10, Math.max(1, Math.round(r.weight)))),
          min_years: r.min_years != null ? String(r.min_years) : "",
        }))
      : base.requirements,
  };
}

/** Builds the request body; numbers left empty become null. */
export function toInput(v: FormValues) {
  return {
    title: v.title,
    description: v.description,
    // An empty string clears the location on PATCH (null would mean "unchanged").
    location: v.location.trim(),
    remote: v.remote,
    language: v.language,
    min_experience_years: num(v.min_experience_years),
    requirements: v.requirements.map((r) => ({
      text: r.text,
      kind: r.kind,
      weight: Number(r.weight),
      min_years: num(r.min_years),
    })),
  };
}

export function VacancyFormPage() {
  const { id } = useParams();
  const editing = !!id;
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const existing = useVacancy(id);
  const create = useCreateVacancy();
  const update = useUpdateVacancy(id ?? "");
  const [values, setValues] = useState<FormValues>(blank);
  const [errors, setErrors] = useState<FieldErrors>({});

  useEffect(() => {
    if (existing.data) setValues(fromVacancy(existing.data, blank()));
  }, [existing.data]);

  if (editing && existing.isPending) return <Skeleton className="h-96 w-full" />;
  if (editing && existing.error) return <NotFound title={t("vacancy.notFound")} />;

  const set = <K extends keyof FormValues>(k: K, v: FormValues[K]) => {
    setValues((s) => ({ ...s, [k]: v }));
    // An edited field's error is stale; requirement errors are keyed "requirements.N.field".
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([p]) => p.split(".")[0] !== k)));
  };

  const messageFor = (path: string) => {
    if (path.endsWith(".weight")) return t("validation.weight");
    if (path.endsWith(".min_years") || path === "min_experience_years") return t("validation.years");
    if (path.endsWith(".text")) return t("validation.requirementText");
    return t("validation.required");
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = VacancyInput.safeParse(toInput(values));
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error, messageFor));
      return;
    }
    setErrors({});
    try {
      if (editing) {
        const v = await update.mutateAsync(parsed.data);
        toast.success(t("vacancies.updated"));
        navigate(`/vacancies/${v.id}`);
      } else {
        const v = await create.mutateAsync(parsed.data);
        toast.success(t("vacancies.created"));
        navigate(`/vacancies/${v.id}`);
      }
    } catch (err) {
      setErrors(apiFieldErrors(err) ?? {});
    }
  };

  const pending = create.isPending || update.isPending;

  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <PageHeader title={editing ? t("vacancyForm.editTitle") : t("vacancyForm.createTitle")} />
      {!editing && (
        <ImportCard
          highlight={params.get("import") === "1"}
          onDraft={(d) => setValues((cur) => fromVacancy(d, cur))}
        />
      )}
      <Card>
        <CardContent>
          <form onSubmit={submit} className="space-y-5" noValidate data-testid="vacancy-form">
            <Field id="vac-title" label={t("vacancyForm.title")} error={errors.title}>
              <Input value={values.title} onChange={(e) => set("title", e.target.value)} />
            </Field>
            <Field id="vac-description" label={t("vacancyForm.description")} error={errors.description}>
              <Textarea
                rows={6}
                className="max-h-96 overflow-y-auto"
                value={values.description}
                onChange={(e) => set("description", e.target.value)}
              />
            </Field>
            <div className="grid gap-4 sm:grid-cols-3">
              <Field
                id="vac-location"
                label={t("vacancyForm.location")}
                optional={t("common.optional")}
                error={errors.location}
              >
                <Input value={values.location} onChange={(e) => set("location", e.target.value)} />
              </Field>
              <Field
                id="vac-min-exp"
                label={t("vacancyForm.minExperience")}
                optional={t("common.optional")}
                error={errors.min_experience_years}
              >
                <Input
                  type="number"
                  min={0}
                  step={1}
                  value={values.min_experience_years}
                  onChange={(e) => set("min_experience_years", e.target.value)}
                />
              </Field>
              <Field id="vac-language" label={t("vacancyForm.language")} error={errors.language}>
                <Select value={values.language} onValueChange={(v) => set("language", v as "ru" | "en")}>
                  <SelectTrigger id="vac-language" className="w-full">
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    <SelectItem value="ru">{t("vacancy.language.ru")}</SelectItem>
                    <SelectItem value="en">{t("vacancy.language.en")}</SelectItem>
                  </SelectContent>
                </Select>
              </Field>
            </div>
            <div className="flex items-center gap-2">
              <Checkbox
                id="vac-remote"
                checked={values.remote}
                onCheckedChange={(c) => set("remote", c === true)}
              />
              <Label htmlFor="vac-remote">{t("vacancyForm.remote")}</Label>
            </div>
            <RequirementsEditor
              rows={values.requirements}
              onChange={(rows) => set("requirements", rows)}
              errors={errors}
            />
            <div className="flex justify-end gap-2 border-t pt-4">
              <Button variant="outline" asChild>
                <Link to={editing ? `/vacancies/${id}` : "/vacancies"}>{t("common.cancel")}</Link>
              </Button>
              <Button type="submit" disabled={pending} data-testid="save-vacancy">
                {pending ? t("common.saving") : t("common.save")}
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
