//! Asks for the reason before rejecting a candidate; server errors on "reason" show under the field.
import { useEffect, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Textarea } from "@/components/ui/textarea";
import { Field } from "@/components/common/Field";
import { apiFieldErrors } from "@/lib/forms";
import { useI18n } from "@/lib/i18n";

export function RejectDialog({
  open,
  onOpenChange,
  candidateName,
  pending,
  onConfirm,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  candidateName?: string;
  pending: boolean;
  /** Resolves when the rejection is saved; rejects with the server error. */
  onConfirm: (reason: string) => Promise<unknown>;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (open) {
      setReason("");
      setError(undefined);
    }
  }, [open]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t("validation.required"));
      return;
    }
    try {
      await onConfirm(reason.trim());
      onOpenChange(false);
    } catch (err) {
      const fe = apiFieldErrors(err);
      if (fe?.reason) setError(fe.reason);
      else onOpenChange(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>
            {t("application.rejectTitle")}
            {candidateName ? `: ${candidateName}` : ""}
          </DialogTitle>
          <DialogDescription>{t("application.rejectDescription")}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="space-y-4" noValidate data-testid="reject-form">
          <Field id="reject-reason" label={t("application.reason")} error={error}>
            <Textarea value={reason} onChange={(e) => setReason(e.target.value)} autoFocus rows={3} />
          </Field>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" variant="destructive" disabled={pending}>
              {t("application.rejectConfirm")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
