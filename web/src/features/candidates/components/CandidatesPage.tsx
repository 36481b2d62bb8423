//! Candidates: a table with filters, or a Kanban board of one vacancy's pipeline.
import { useNavigate, useSearchParams } from "react-router";
import { KanbanSquareIcon, PlusIcon, TableIcon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { PageHeader } from "@/components/common/PageHeader";
import { useI18n } from "@/lib/i18n";
import { ResumeUploadDialog } from "@/features/uploads/components/ResumeUploadDialog";
import { useCreateCandidate } from "../api";
import { CandidateFormDialog } from "./CandidateFormDialog";
import { CandidatesTable } from "./CandidatesTable";
import { CandidateBoard } from "./CandidateBoard";

export function CandidatesPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const create = useCreateCandidate();
  const view = params.get("view") === "board" ? "board" : "table";

  return (
    <div className="space-y-6">
      <PageHeader
        title={t("candidates.title")}
        actions={
          <>
            <Tabs
              value={view}
              onValueChange={(v) => {
                const next = new URLSearchParams(params);
                if (v === "board") next.set("view", "board");
                else next.delete("view");
                setParams(next);
              }}
            >
              <TabsList>
                <TabsTrigger value="table" data-testid="view-table">
                  <TableIcon /> {t("candidates.view.table")}
                </TabsTrigger>
                <TabsTrigger value="board" data-testid="view-board">
                  <KanbanSquareIcon /> {t("candidates.view.board")}
                </TabsTrigger>
              </TabsList>
            </Tabs>
            <ResumeUploadDialog />
            <CandidateFormDialog
              title={t("candidates.new")}
              pending={create.isPending}
              onSubmit={async (input) => {
                const c = await create.mutateAsync(input);
                toast.success(t("candidates.created"));
                navigate(`/candidates/${c.id}`);
              }}
              trigger={
                <Button data-testid="new-candidate">
                  <PlusIcon /> {t("candidates.new")}
                </Button>
              }
            />
          </>
        }
      />
      {view === "board" ? <CandidateBoard /> : <CandidatesTable />}
    </div>
  );
}
