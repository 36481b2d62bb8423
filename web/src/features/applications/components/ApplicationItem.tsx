//! One application on the candidate page: vacancy, status, next-step actions and the history.
import { useState } from "react";
import { Link } from "react-router";
import { ArrowRightIcon, CheckIcon, ChevronDownIcon, ChevronUpIcon, XIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { StatusBadge } from "@/components/common/StatusBadge";
import { can } from "@/features/auth/schema";
import type { Role } from "@/lib/schema";
import { FORWARD, isFinal } from "@/lib/schema";
import { useI18n } from "@/lib/i18n";
import { useTransition } from "../api";
import type { Application } from "../schema";
import { HistoryTimeline } from "./HistoryTimeline";
import { RejectDialog } from "./RejectDialog";

export function ApplicationItem({ app, role }: { app: Application; role: Role }) {
  const { t, date } = useI18n();
  const [showHistory, setShowHistory] = useState(true);
  const [rejectOpen, setRejectOpen] = useState(false);
  const transition = useTransition();
  const rejectTransition = useTransition({ formErrors: true });
  const next = FORWARD[app.status];
  const finalStage = app.status === "awaiting_manager_decision";
  const mayDecide = !finalStage || can.decideFinal(role);

  const moveTo = (to: NonNullable<typeof next>) =>
    transition.mutate(
      { id: app.id, to, expected_version: app.version },
      { onSuccess: (res) => toast.success(t("application.moved", { status: t(`status.${res.status}`) })) },
    );

  return (
    <div className="rounded-lg border p-4" data-testid="application" data-vacancy-title={app.vacancy_title}>
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-0 flex-1">
          <Link to={`/vacancies/${app.vacancy_id}`} className="font-medium hover:underline">
            {app.vacancy_title}
          </Link>
          <p className="text-muted-foreground text-xs">{date(app.created_at)}</p>
        </div>
        <StatusBadge status={app.status} />
      </div>
      {!isFinal(app.status) && mayDecide && (
        <div className="mt-3 flex flex-wrap gap-2">
          {next && (
            <Button
              size="sm"
              variant={next === "accepted" ? "default" : "outline"}
              disabled={transition.isPending}
              onClick={() => moveTo(next)}
              data-testid="advance"
            >
              {next === "accepted" ? <CheckIcon /> : <ArrowRightIcon />}
              {next === "accepted" ? t("application.accept") : t("application.moveTo", { status: t(`status.${next}`) })}
            </Button>
          )}
          <Button
            size="sm"
            variant="ghost"
            className="text-destructive hover:text-destructive"
            onClick={() => setRejectOpen(true)}
            data-testid="reject"
          >
            <XIcon /> {t("application.reject")}
          </Button>
        </div>
      )}
      <div className="mt-3">
        <Button
          variant="link"
          size="sm"
          className="h-auto px-0"
          aria-expanded={showHistory}
          onClick={() => setShowHistory((s) => !s)}
        >
          {showHistory ? <ChevronUpIcon /> : <ChevronDownIcon />}
          {showHistory ? t("application.historyHide") : t("application.historyShow")}
        </Button>
        {showHistory && (
          <div className="mt-2">
            <HistoryTimeline applicationId={app.id} />
          </div>
        )}
      </div>
      <RejectDialog
        open={rejectOpen}
        onOpenChange={setRejectOpen}
        candidateName={app.candidate_name}
        pending={rejectTransition.isPending}
        onConfirm={(reason) => rejectTransition.mutateAsync({ id: app.id, to: "rejected", reason, expected_version: app.version })}
      />
    </div>
  );
}
