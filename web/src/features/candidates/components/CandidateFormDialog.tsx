//! Create or edit a candidate in a dialog.
import { useState, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/common/Field";
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from "@/lib/forms";
import { useI18n } from "@/lib/i18n";
import { CandidateInput, SOURCES, type Candidate, type CandidateInputRaw } from "../schema";

const empty: CandidateInputRaw = { full_name: "", email: "", phone: "", location: "", source: "" };

function fromCandidate(c: Candidate): CandidateInputRaw {
  return {
    full_name: c.full_name,
    email: c.email ?? "",
    phone: c.phone ?? "",
    location: c.location ?? "",
    source: c.source ?? "",
  };
}

export function CandidateFormDialog({
  trigger,
  candidate,
  title,
  pending,
  onSubmit,
}: {
  trigger: ReactNode;
  candidate?: Candidate;
  title: string;
  pending: boolean;
  /** Resolves when saved; rejects with the server error. */
  onSubmit: (input: CandidateInput) => Promise<unknown>;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<CandidateInputRaw>(empty);
  const [errors, setErrors] = useState<FieldErrors>({});

  const set = (k: keyof CandidateInputRaw) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    setErrors(({ [k]: _stale, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = CandidateInput.safeParse(values);
    if (!parsed.success) {
      setErrors(
        zodFieldErrors(parsed.error, (p) =>
          p === "email" ? t("validation.email") : p === "phone" ? t("validation.phone") : t("validation.required"),
        ),
      );
      return;
    }
    setErrors({});
    try {
      await onSubmit(parsed.data);
      setOpen(false);
    } catch (err) {
      setErrors(apiFieldErrors(err) ?? {});
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setValues(candidate ? fromCandidate(candidate) : empty);
          setErrors({});
        }
      }}
    >
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription className="sr-only">{title}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="space-y-4" noValidate data-testid="candidate-form">
          <Field id="cand-full_name" label={t("candidate.field.full_name")} error={errors.full_name}>
            <Input value={values.full_name} onChange={set("full_name")} autoFocus />
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              id="cand-email"
              label={t("candidate.field.email")}
              optional={t("common.optional")}
              error={errors.email}
            >
              <Input type="email" value={values.email ?? ""} onChange={set("email")} />
            </Field>
            <Field
              id="cand-phone"
              label={t("candidate.field.phone")}
              optional={t("common.optional")}
              hint={t("candidate.field.phoneHint")}
              error={errors.phone}
            >
              <Input type="tel" value={values.phone ?? ""} onChange={set("phone")} />
            </Field>
            <Field
              id="cand-location"
              label={t("candidate.field.location")}
              optional={t("common.optional")}
              error={errors.location}
            >
              <Input value={values.location ?? ""} onChange={set("location")} />
            </Field>
            <Field
              id="cand-source"
              label={t("candidate.field.source")}
              optional={t("common.optional")}
              error={errors.source}
            >
              <Input list="cand-sources" value={values.source ?? ""} onChange={set("source")} />
            </Field>
            <datalist id="cand-sources">
              {SOURCES.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </div>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? t("common.saving") : t("common.save")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
