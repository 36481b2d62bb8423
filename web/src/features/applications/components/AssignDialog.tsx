//! Assigns a candidate to an open vacancy (POST /api/applications).
import { useState, type FormEvent } from "react";
import { BriefcaseIcon } from "lucide-react";
import { toast } from "sonner";
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
import { Field } from "@/components/common/Field";
import { VacancySelect } from "@/features/vacancies/components/VacancySelect";
import { useI18n } from "@/lib/i18n";
import { useCreateApplication } from "../api";

export function AssignDialog({ candidateId, exclude }: { candidateId: string; exclude: string[] }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [vacancyId, setVacancyId] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const create = useCreateApplication();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!vacancyId) {
      setError(t("validation.required"));
      return;
    }
    create.mutate(
      { candidate_id: candidateId, vacancy_id: vacancyId },
      {
        onSuccess: () => {
          toast.success(t("candidate.assigned"));
          setOpen(false);
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        setVacancyId(undefined);
        setError(undefined);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" data-testid="assign">
          <BriefcaseIcon /> {t("candidate.assign")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("candidate.assignTitle")}</DialogTitle>
          <DialogDescription>{t("candidate.assignPick")}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="space-y-4" data-testid="assign-form">
          <Field id="assign-vacancy" label={t("candidates.filter.vacancy")} error={error}>
            <VacancySelect
              value={vacancyId}
              onChange={setVacancyId}
              placeholder={t("candidate.assignPick")}
              state="open"
              exclude={exclude}
              className="w-full"
            />
          </Field>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" disabled={create.isPending}>
              {t("candidate.assign")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
