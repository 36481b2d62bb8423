//! The candidate table: search, filters (vacancy, status, source), sorting, paging, column chooser.
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon, Columns3Icon, SearchIcon, ShieldAlertIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  DropdownMenu,
  DropdownMenuCheckboxItem,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState } from "@/components/common/EmptyState";
import { Pagination } from "@/components/common/Pagination";
import { VacancySelect } from "@/features/vacancies/components/VacancySelect";
import { useDebounced, useStoredState } from "@/lib/hooks";
import { useI18n } from "@/lib/i18n";
import { STATUSES } from "@/lib/schema";
import { useCandidates, type CandidateListParams } from "../api";
import { hasAlarmingFlags } from "../profile";
import { SOURCES, type Candidate } from "../schema";

const COLUMNS = ["full_name", "email", "phone", "location", "source", "created_at", "updated_at"] as const;
type Column = (typeof COLUMNS)[number];
const DEFAULT_COLUMNS: Column[] = ["full_name", "email", "phone", "location", "source", "created_at"];
const SORTABLE: Partial<Record<Column, NonNullable<CandidateListParams["sort"]>>> = {
  full_name: "name",
  created_at: "created_at",
  updated_at: "updated_at",
};
const PER_PAGE = 20;
const ALL = "__all";

export function CandidatesTable() {
  const { t, tn, td, date } = useI18n();
  const [params, setParams] = useSearchParams();
  const [columns, setColumns] = useStoredState<Column[]>("otbor.candidateColumns", DEFAULT_COLUMNS);
  const [search, setSearch] = useState(params.get("q") ?? "");
  const q = useDebounced(search.trim());

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === "") next.delete(k);
      else next.set(k, v);
    }
    if (!("page" in changes)) next.delete("page");
    setParams(next, { replace: true });
  };

  useEffect(() => {
    // Only the debounced search text drives this; other params change through update().
    if ((params.get("q") ?? "") !== q) update({ q: q || undefined });
  }, [q]);

  const sort = (params.get("sort") as CandidateListParams["sort"]) ?? "created_at";
  const order = (params.get("order") as CandidateListParams["order"]) ?? "desc";
  const page = Number(params.get("page") ?? "1") || 1;
  const listParams: CandidateListParams = {
    q: params.get("q") || undefined,
    vacancy_id: params.get("vacancy_id") || undefined,
    status: params.get("status") || undefined,
    source: params.get("source") || undefined,
    sort,
    order,
    page,
    per_page: PER_PAGE,
  };
  const list = useCandidates(listParams);

  const toggleSort = (col: Column) => {
    const key = SORTABLE[col];
    if (!key) return;
    if (sort === key) update({ order: order === "asc" ? "desc" : "asc", sort: key });
    else update({ sort: key, order: key === "name" ? "asc" : "desc" });
  };

  const cell = (c: Candidate, col: Column) => {
    switch (col) {
      case "full_name":
        return (
          <span className="inline-flex items-center gap-1.5">
            <Link to={`/candidates/${c.id}`} className="text-primary font-medium hover:underline">
              {c.full_name}
            </Link>
            {hasAlarmingFlags(c.profile) && (
              <ShieldAlertIcon className="text-destructive size-4" aria-label={t("profile.flagged")} role="img" data-testid="candidate-flagged">
                <title>{t("profile.flagged")}</title>
              </ShieldAlertIcon>
            )}
          </span>
        );
      case "source":
        return c.source ? td(`source.${c.source}`, c.source) : "—";
      case "created_at":
      case "updated_at":
        return date(c[col]);
      default:
        return c[col] ?? "—";
    }
  };

  const visible = COLUMNS.filter((c) => columns.includes(c));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <div className="relative w-full sm:w-64">
          <SearchIcon className="text-muted-foreground absolute top-2.5 left-2.5 size-4" />
          <Input
            type="search"
            data-testid="candidate-search"
            aria-label={t("candidates.searchPlaceholder")}
            placeholder={t("candidates.searchPlaceholder")}
            className="pl-8"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <VacancySelect
          value={params.get("vacancy_id") ?? undefined}
          onChange={(v) => update({ vacancy_id: v })}
          placeholder={t("candidates.filter.vacancy")}
          allLabel={`${t("candidates.filter.vacancy")}: ${t("common.all")}`}
        />
        <Select value={params.get("status") ?? ALL} onValueChange={(v) => update({ status: v === ALL ? undefined : v })}>
          <SelectTrigger className="w-52" aria-label={t("candidates.filter.status")}>
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{`${t("candidates.filter.status")}: ${t("common.all")}`}</SelectItem>
            {STATUSES.map((s) => (
              <SelectItem key={s} value={s}>
                {t(`status.${s}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <Select value={params.get("source") ?? ALL} onValueChange={(v) => update({ source: v === ALL ? undefined : v })}>
          <SelectTrigger className="w-44" aria-label={t("candidates.filter.source")}>
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{`${t("candidates.filter.source")}: ${t("common.all")}`}</SelectItem>
            {SOURCES.map((s) => (
              <SelectItem key={s} value={s}>
                {t(`source.${s}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <div className="ml-auto flex items-center gap-3">
          {list.data && (
            <span className="text-muted-foreground text-sm" data-testid="candidate-total">
              {tn("candidates.count", list.data.total)}
            </span>
          )}
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" size="sm" data-testid="column-chooser">
                <Columns3Icon /> {t("common.columns")}
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuLabel>{t("common.columns")}</DropdownMenuLabel>
              <DropdownMenuSeparator />
              {COLUMNS.map((col) => (
                <DropdownMenuCheckboxItem
                  key={col}
                  checked={columns.includes(col)}
                  disabled={col === "full_name"}
                  onSelect={(e) => e.preventDefault()}
                  onCheckedChange={(on) =>
                    setColumns(on ? [...columns, col] : columns.filter((c) => c !== col))
                  }
                >
                  {t(`candidates.col.${col}`)}
                </DropdownMenuCheckboxItem>
              ))}
            </DropdownMenuContent>
          </DropdownMenu>
        </div>
      </div>

      <Card className="py-0">
        <Table data-testid="candidates-table">
          <TableHeader>
            <TableRow>
              {visible.map((col) => {
                const key = SORTABLE[col];
                const active = key && sort === key;
                return (
                  <TableHead
                    key={col}
                    aria-sort={active ? (order === "asc" ? "ascending" : "descending") : undefined}
                  >
                    {key ? (
                      <button
                        type="button"
                        className="hover:text-foreground inline-flex items-center gap-1 rounded outline-none focus-visible:ring-ring/50 focus-visible:ring-[3px]"
                        onClick={() => toggleSort(col)}
                        aria-label={t("candidates.sortBy", { column: t(`candidates.col.${col}`) })}
                      >
                        {t(`candidates.col.${col}`)}
                        {active ? (
                          order === "asc" ? (
                            <ArrowUpIcon className="size-3.5" />
                          ) : (
                            <ArrowDownIcon className="size-3.5" />
                          )
                        ) : (
                          <ArrowUpDownIcon className="size-3.5 opacity-40" />
                        )}
                      </button>
                    ) : (
                      t(`candidates.col.${col}`)
                    )}
                  </TableHead>
                );
              })}
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.isPending
              ? Array.from({ length: 6 }, (_, i) => (
                  <TableRow key={i}>
                    {visible.map((col) => (
                      <TableCell key={col}>
                        <Skeleton className="h-4 w-24" />
                      </TableCell>
                    ))}
                  </TableRow>
                ))
              : list.data?.items.map((c) => (
                  <TableRow key={c.id} data-testid="candidate-row">
                    {visible.map((col) => (
                      <TableCell key={col}>{cell(c, col)}</TableCell>
                    ))}
                  </TableRow>
                ))}
          </TableBody>
        </Table>
        {list.data && list.data.items.length === 0 && (
          <EmptyState className="m-4" title={t("candidates.empty")} hint={t("candidates.emptyHint")} />
        )}
      </Card>
      {list.data && (
        <Pagination
          page={page}
          perPage={PER_PAGE}
          total={list.data.total}
          onPage={(p) => update({ page: String(p) })}
        />
      )}
    </div>
  );
}

