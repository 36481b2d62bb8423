//! Kanban of one vacancy's pipeline: a column per status; dropping a card on another column
//! posts the transition, and a refused move puts the card back and shows the server's message.
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { GripVerticalIcon } from "lucide-react";
import { toast } from "sonner";
import { Skeleton } from "@/components/ui/skeleton";
import { EmptyState } from "@/components/common/EmptyState";
import { STATUS_DOT } from "@/components/common/StatusBadge";
import { useApplications, useTransition } from "@/features/applications/api";
import { RejectDialog } from "@/features/applications/components/RejectDialog";
import type { Application } from "@/features/applications/schema";
import { VacancySelect } from "@/features/vacancies/components/VacancySelect";
import { useI18n } from "@/lib/i18n";
import { STATUSES, Status } from "@/lib/schema";
import { cn } from "@/lib/utils";

/** With the keyboard, left/right arrows jump a dragged card to the neighbouring column. */
const columnKeyboard: KeyboardCoordinateGetter = (event, { currentCoordinates, context }) => {
  const dir = event.code === "ArrowRight" ? 1 : event.code === "ArrowLeft" ? -1 : 0;
  const dragged = context.collisionRect;
  if (!dir || !dragged) return undefined;
  event.preventDefault();
  const columns = [...context.droppableRects.values()].sort((a, b) => a.left - b.left);
  const centre = dragged.left + dragged.width / 2;
  const here = columns.findIndex((r) => centre >= r.left && centre <= r.left + r.width);
  const target = columns[(here === -1 ? 0 : here) + dir];
  if (!target) return currentCoordinates;
  return { x: target.left + (target.width - dragged.width) / 2, y: currentCoordinates.y };
};

function CardBody({ app, dragging }: { app: Application; dragging?: boolean }) {
  const { date } = useI18n();
  return (
    <div
      className={cn(
        "bg-card flex items-start gap-2 rounded-lg border p-3 text-sm shadow-xs",
        dragging && "ring-primary/40 shadow-lg ring-2",
      )}
    >
      <GripVerticalIcon className="text-muted-foreground mt-0.5 size-4 shrink-0" />
      <div className="min-w-0">
        <Link
          to={`/candidates/${app.candidate_id}`}
          className="block font-medium break-words hover:underline"
          onPointerDown={(e) => e.stopPropagation()}
        >
          {app.candidate_name}
        </Link>
        <p className="text-muted-foreground text-xs">{date(app.updated_at)}</p>
      </div>
    </div>
  );
}

function BoardCard({ app }: { app: Application }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: app.id,
    data: { status: app.status },
  });
  return (
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      data-testid="board-card"
      data-application-id={app.id}
      data-candidate-name={app.candidate_name}
      className={cn(
        "cursor-grab touch-none rounded-lg outline-none focus-visible:ring-ring/50 focus-visible:ring-[3px]",
        isDragging && "opacity-40",
      )}
    >
      <CardBody app={app} />
    </div>
  );
}

function Column({ status, apps }: { status: Status; apps: Application[] }) {
  const { t } = useI18n();
  const { setNodeRef, isOver } = useDroppable({ id: status });
  return (
    <section
      ref={setNodeRef}
      data-testid={`column-${status}`}
      aria-label={t(`status.${status}`)}
      className={cn(
        "bg-muted/60 flex min-w-44 flex-1 basis-0 flex-col gap-2 rounded-xl p-2 transition-colors",
        isOver && "bg-accent ring-primary/30 ring-2",
      )}
    >
      <header className="flex items-center gap-2 px-1 py-1">
        <span className={cn("size-2 rounded-full", STATUS_DOT[status])} />
        <h3 className="text-sm leading-tight font-semibold">{t(`status.${status}`)}</h3>
        <span
          className="bg-background text-muted-foreground ml-auto rounded-full px-2 text-xs font-medium"
          data-testid="column-count"
        >
          {apps.length}
        </span>
      </header>
      <div className="flex min-h-24 flex-col gap-2">
        {apps.map((a) => (
          <BoardCard key={a.id} app={a} />
        ))}
        {apps.length === 0 && (
          <p className="text-muted-foreground rounded-lg border border-dashed p-3 text-center text-xs">
            {t("board.empty")}
          </p>
        )}
      </div>
    </section>
  );
}

export function CandidateBoard() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const vacancyId = params.get("vacancy_id") ?? undefined;
  const apps = useApplications({ vacancy_id: vacancyId, per_page: 100 }, !!vacancyId);
  const transition = useTransition({ formErrors: true });
  // Cards moved but not yet confirmed by the server: shown in their new column meanwhile.
  const [moved, setMoved] = useState<Record<string, Status>>({});
  const [active, setActive] = useState<Application | null>(null);
  const [rejecting, setRejecting] = useState<Application | null>(null);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeyboard }),
  );
  const nameOf = (id: unknown) => items.find((a) => a.id === id)?.candidate_name ?? "";
  const statusOf = (id: unknown) => {
    const s = Status.safeParse(id);
    return s.success ? t(`status.${s.data}`) : "";
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => t("board.a11y.start", { name: nameOf(active.id) }),
    onDragOver: ({ over }) => (over ? t("board.a11y.over", { status: statusOf(over.id) }) : undefined),
    onDragEnd: ({ active, over }) =>
      over ? t("board.a11y.end", { name: nameOf(active.id), status: statusOf(over.id) }) : undefined,
    onDragCancel: ({ active }) => t("board.a11y.cancel", { name: nameOf(active.id) }),
  };

  const items = (apps.data?.items ?? []).map((a) => (moved[a.id] ? { ...a, status: moved[a.id] } : a));
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, items.filter((a) => a.status === s)])) as Record<
    Status,
    Application[]
  >;

  const move = (app: Application, to: Status, reason?: string) => {
    setMoved((m) => ({ ...m, [app.id]: to }));
    const forget = () =>
      setMoved((m) => {
        const rest = { ...m };
        delete rest[app.id];
        return rest;
      });
    return transition.mutateAsync({ id: app.id, to, reason, expected_version: app.version }).then(
      (res) => {
        forget();
        toast.success(t("application.moved", { status: t(`status.${res.status}`) }));
        return res;
      },
      (err) => {
        forget();
        // Without a reason dialog open, a "reason" field error is still worth a toast.
        if (!reason && err?.field) toast.error(err.message);
        throw err;
      },
    );
  };

  const onDragStart = (e: DragStartEvent) => {
    setActive(items.find((a) => a.id === e.active.id) ?? null);
  };

  const onDragEnd = (e: DragEndEvent) => {
    setActive(null);
    const app = items.find((a) => a.id === e.active.id);
    const to = Status.safeParse(e.over?.id);
    if (!app || !to.success || to.data === app.status) return;
    if (to.data === "rejected") {
      setRejecting(app);
      return;
    }
    move(app, to.data).catch(() => undefined);
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <VacancySelect
          id="board-vacancy"
          value={vacancyId}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            if (v) next.set("vacancy_id", v);
            else next.delete("vacancy_id");
            setParams(next, { replace: true });
          }}
          placeholder={t("board.vacancy")}
          className="w-72"
        />
        {vacancyId && <p className="text-muted-foreground max-w-xl text-xs">{t("board.dragHint")}</p>}
      </div>
      {!vacancyId ? (
        <EmptyState title={t("board.pickVacancy")} />
      ) : apps.isPending ? (
        <div className="flex gap-3 overflow-hidden">
          {STATUSES.map((s) => (
            <Skeleton key={s} className="h-64 min-w-44 flex-1 rounded-xl" />
          ))}
        </div>
      ) : (
        <>
          {items.length === 0 && <EmptyState title={t("board.noApplications")} />}
          <DndContext
            sensors={sensors}
            accessibility={{ announcements, screenReaderInstructions: { draggable: t("board.dragHint") } }}
            onDragStart={onDragStart}
            onDragEnd={onDragEnd}
            onDragCancel={() => setActive(null)}
          >
            <div className="flex gap-3 overflow-x-auto pb-4" data-testid="board">
              {STATUSES.map((s) => (
                <Column key={s} status={s} apps={byStatus[s]} />
              ))}
            </div>
            <DragOverlay dropAnimation={null}>{active ? <CardBody app={active} dragging /> : null}</DragOverlay>
          </DndContext>
        </>
      )}
      <RejectDialog
        open={!!rejecting}
        onOpenChange={(o) => !o && setRejecting(null)}
        candidateName={rejecting?.candidate_name}
        pending={transition.isPending}
        onConfirm={(reason) => (rejecting ? move(rejecting, "rejected", reason) : Promise.resolve())}
      />
    </div>
  );
}
