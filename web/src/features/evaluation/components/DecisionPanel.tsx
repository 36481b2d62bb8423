//! The manager's decision on a report: Принять / Отказать, each through a dialog with the reason.
//! The reason is required to reject and to go against the recommendation; the server is the
//! judge (422 on `reason`), and its message is shown on the field.
import { useState, type FormEvent } from "react";
import { CheckIcon, XIcon } from "lucide-react";
import { toast } from "sonner";
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
import { useDecision, type DecisionInput } from "../api";
import { isAgainst } from "../schema";

type Decision = DecisionInput["decision"];

export function DecisionPanel({
  applicationId,
  candidateName,
  recommendation,
}: {
  applicationId: string;
  candidateName: string;
  recommendation: string | null;
}) {
  const { t, td } = useI18n();
  const decide = useDecision(applicationId);
  const [open, setOpen] = useState<Decision | null>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();

  const openFor = (d: Decision) => {
    setReason("");
    setError(undefined);
    setOpen(d);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!open) return;
    const trimmed = reason.trim();
    try {
      const res = await decide.mutateAsync({ decision: open, reason: trimmed || undefined });
      toast.success(t("eval.decided", { status: t(`status.${res.status}`) }));
      setOpen(null);
    } catch (err) {
      const fe = apiFieldErrors(err);
      if (fe?.reason) setError(fe.reason);
      else setOpen(null);
    }
  };

  const against = open ? isAgainst(recommendation, open) : false;
  const hint = against
    ? t("eval.reasonAgainst", { recommendation: td(`eval.rec.${recommendation}`, recommendation ?? "") })
    : open === "rejected"
      ? t("eval.reasonReject")
      : t("eval.reasonOptional");

  return (
    <div className="bg-muted/40 flex flex-wrap items-center gap-3 rounded-lg border p-4" data-testid="decision-panel">
      <div className="min-w-0 flex-1">
        <p className="font-medium">{t("eval.decide")}</p>
        <p className="text-muted-foreground text-xs">{t("eval.decideHint")}</p>
      </div>
      <div className="flex gap-2">
        <Button onClick={() => openFor("accepted")} data-testid="decision-accept">
          <CheckIcon /> {t("eval.accept")}
        </Button>
        <Button variant="outline" className="text-destructive hover:text-destructive" onClick={() => openFor("rejected")} data-testid="decision-reject">
          <XIcon /> {t("eval.reject")}
        </Button>
      </div>
      <Dialog open={open !== null} onOpenChange={(o) => !o && setOpen(null)}>
        <DialogContent closeLabel={t("common.close")}>
          <DialogHeader>
            <DialogTitle>
              {open === "accepted" ? t("eval.acceptTitle") : t("eval.rejectTitle")}: {candidateName}
            </DialogTitle>
            <DialogDescription data-testid="decision-hint" data-against={against || undefined}>
              {hint}
            </DialogDescription>
          </DialogHeader>
          <form onSubmit={submit} className="space-y-4" noValidate data-testid="decision-form">
            <Field id={`decision-reason-${applicationId}`} label={t("eval.reason")} error={error}>
              <Textarea
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  if (error) setError(undefined);
                }}
                autoFocus
                rows={3}
                data-testid="decision-reason"
              />
            </Field>
            <DialogFooter>
              <Button type="button" variant="outline" onClick={() => setOpen(null)}>
                {t("common.cancel")}
              </Button>
              <Button
                type="submit"
                variant={open === "rejected" ? "destructive" : "default"}
                disabled={decide.isPending}
                data-testid="decision-confirm"
              >
                {t("eval.confirm")}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
    </div>
  );
}
