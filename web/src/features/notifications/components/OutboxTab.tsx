//! Admin: every message Otbor sent or kept in the outbox, newest first, filtered by channel; a
//! row opens the message as it was rendered.
import { useState } from "react";
import { RefreshCwIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState } from "@/components/common/EmptyState";
import { Pagination } from "@/components/common/Pagination";
import { useI18n } from "@/lib/i18n";
import { OUTBOX_PER_PAGE, useNotifications } from "../api";
import { ChannelKind, type NotificationRecord } from "../schema";
import { MessageDialog } from "./MessageDialog";
import { ChannelLabel, DeliveryBadge } from "./parts";

export function OutboxTable({
  items,
  onOpen,
}: {
  items: NotificationRecord[];
  onOpen: (m: NotificationRecord) => void;
}) {
  const { t, dateTime } = useI18n();
  return (
    <Table data-testid="outbox-table">
      <TableHeader>
        <TableRow>
          <TableHead>{t("notify.col.time")}</TableHead>
          <TableHead>{t("notify.col.event")}</TableHead>
          <TableHead>{t("notify.col.recipient")}</TableHead>
          <TableHead>{t("notify.col.channel")}</TableHead>
          <TableHead>{t("notify.col.status")}</TableHead>
          <TableHead className="text-right">{t("notify.col.attempts")}</TableHead>
          <TableHead>{t("notify.col.error")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((m) => (
          <TableRow
            key={m.key}
            data-testid="outbox-row"
            data-event={m.event}
            className="cursor-pointer"
            onClick={() => onOpen(m)}
          >
            <TableCell className="text-muted-foreground whitespace-nowrap">{dateTime(m.created_at)}</TableCell>
            <TableCell className="max-w-80">
              {/* The row is clickable for the mouse; this button is the way in for the keyboard. */}
              <button
                type="button"
                className="block w-full text-left outline-none focus-visible:underline"
                aria-label={t("notify.outbox.open", { subject: m.subject })}
                onClick={(e) => {
                  e.stopPropagation();
                  onOpen(m);
                }}
              >
                <span className="block font-medium">{t(`notify.event.${m.event}`)}</span>
                <span className="text-muted-foreground block truncate text-xs">{m.subject}</span>
              </button>
            </TableCell>
            <TableCell className="max-w-64 truncate" title={m.address}>
              {m.address}
            </TableCell>
            <TableCell>
              <ChannelLabel channel={m.channel} />
            </TableCell>
            <TableCell>
              <DeliveryBadge status={m.status} channel={m.channel} />
            </TableCell>
            <TableCell className="text-right tabular-nums">{m.attempts}</TableCell>
            <TableCell className="text-destructive max-w-64 truncate text-xs" title={m.error ?? undefined}>
              {m.error ?? ""}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function OutboxTab() {
  const { t, tn } = useI18n();
  const [channel, setChannel] = useState<ChannelKind | null>(null);
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<NotificationRecord | null>(null);
  const list = useNotifications(channel, page);

  return (
    <div className="space-y-4" data-testid="outbox">
      <div className="flex flex-wrap items-center gap-3">
        <Select
          value={channel ?? "all"}
          onValueChange={(v) => {
            setChannel(v === "all" ? null : ChannelKind.parse(v));
            setPage(1);
          }}
        >
          <SelectTrigger className="w-48" aria-label={t("notify.outbox.filter")} data-testid="outbox-channel">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="all">{t("notify.outbox.all")}</SelectItem>
            {ChannelKind.options.map((c) => (
              <SelectItem key={c} value={c}>
                {t(`notify.channel.${c}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        {list.data && (
          <span className="text-muted-foreground text-sm" data-testid="outbox-count">
            {tn("notify.outbox.count", list.data.total)}
          </span>
        )}
        <Button
          variant="ghost"
          size="sm"
          className="ml-auto"
          onClick={() => list.refetch()}
          disabled={list.isFetching}
        >
          <RefreshCwIcon className={list.isFetching ? "animate-spin" : undefined} /> {t("notify.refresh")}
        </Button>
      </div>
      <Card className="py-0">
        {list.isPending ? (
          <div className="space-y-3 p-4" aria-busy="true">
            {Array.from({ length: 4 }, (_, i) => (
              <Skeleton key={i} className="h-8 w-full" />
            ))}
          </div>
        ) : list.data && list.data.items.length > 0 ? (
          <OutboxTable items={list.data.items} onOpen={setOpen} />
        ) : list.data ? (
          <EmptyState
            className="m-4"
            title={channel ? t("notify.outbox.emptyChannel") : t("notify.outbox.empty")}
            hint={t("notify.outbox.emptyHint")}
          />
        ) : (
          <EmptyState className="m-4" title={t("common.error")} hint={list.error?.message} />
        )}
      </Card>
      {list.data && (
        <Pagination page={page} perPage={OUTBOX_PER_PAGE} total={list.data.total} onPage={setPage} />
      )}
      <MessageDialog message={open} onClose={() => setOpen(null)} />
    </div>
  );
}
