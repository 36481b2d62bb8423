//! Vacancies as cards with per-stage counts and a small funnel; open ones first, closed behind a filter.
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { MapPinIcon, PlusIcon, SearchIcon, UploadIcon, WifiIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { EmptyState } from "@/components/common/EmptyState";
import { PageHeader } from "@/components/common/PageHeader";
import { Pagination } from "@/components/common/Pagination";
import { useCurrentUser } from "@/components/layout/RequireAuth";
import { can } from "@/features/auth/schema";
import { useDebounced } from "@/lib/hooks";
import { useI18n } from "@/lib/i18n";
import { useVacancies, type VacancyListParams } from "../api";
import type { Vacancy } from "../schema";
import { Funnel, StageCounts } from "./Funnel";

const PER_PAGE = 12;

function VacancyCard({ v }: { v: Vacancy }) {
  const { t, tn } = useI18n();
  return (
    <Card className="gap-3" data-testid="vacancy-card">
      <CardHeader>
        <CardTitle className="flex items-start justify-between gap-2">
          <Link to={`/vacancies/${v.id}`} className="hover:text-primary leading-snug hover:underline">
            {v.title}
          </Link>
          <Badge variant={v.state === "open" ? "secondary" : "outline"}>{t(`vacancy.state.${v.state}`)}</Badge>
        </CardTitle>
        <div className="text-muted-foreground flex flex-wrap items-center gap-3 text-xs">
          {v.location && (
            <span className="inline-flex items-center gap-1">
              <MapPinIcon className="size-3" /> {v.location}
            </span>
          )}
          {v.remote && (
            <span className="inline-flex items-center gap-1">
              <WifiIcon className="size-3" /> {t("vacancy.remote")}
            </span>
          )}
          <span>{tn("candidates.count", v.stats.total)}</span>
        </div>
      </CardHeader>
      <CardContent className="space-y-3">
        <StageCounts stats={v.stats} />
        <div className="flex items-center justify-between gap-2">
          <span className="text-muted-foreground text-xs">{t("vacancies.funnel")}</span>
          <Funnel stats={v.stats} />
        </div>
      </CardContent>
    </Card>
  );
}

export function VacanciesPage() {
  const { t, tn } = useI18n();
  const user = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get("q") ?? "");
  const q = useDebounced(search.trim());
  const state = (params.get("state") as VacancyListParams["state"]) ?? "open";
  const page = Number(params.get("page") ?? "1") || 1;
  const list = useVacancies({ state, q: q || undefined, page, per_page: PER_PAGE });

  const setParam = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k !== "page") next.delete("page");
    setParams(next, { replace: true });
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title={t("vacancies.title")}
        subtitle={list.data ? tn("vacancies.count", list.data.total) : undefined}
        actions={
          can.manageVacancies(user.role) && (
            <>
              <Button variant="outline" asChild>
                <Link to="/vacancies/new?import=1" data-testid="upload-vacancy">
                  <UploadIcon /> {t("vacancies.upload")}
                </Link>
              </Button>
              <Button asChild>
                <Link to="/vacancies/new" data-testid="new-vacancy">
                  <PlusIcon /> {t("vacancies.new")}
                </Link>
              </Button>
            </>
          )
        }
      />
      <div className="flex flex-wrap items-center gap-3">
        <Tabs value={state} onValueChange={(v) => setParam("state", v === "open" ? undefined : v)}>
          <TabsList>
            <TabsTrigger value="open">{t("vacancies.state.open")}</TabsTrigger>
            <TabsTrigger value="closed" data-testid="state-closed">
              {t("vacancies.state.closed")}
            </TabsTrigger>
            <TabsTrigger value="all">{t("vacancies.state.all")}</TabsTrigger>
          </TabsList>
        </Tabs>
        <div className="relative w-full sm:w-72">
          <SearchIcon className="text-muted-foreground absolute top-2.5 left-2.5 size-4" />
          <Input
            type="search"
            aria-label={t("vacancies.searchPlaceholder")}
            placeholder={t("vacancies.searchPlaceholder")}
            className="pl-8"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setParam("page", undefined);
            }}
          />
        </div>
      </div>
      {list.isPending ? (
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-56 rounded-xl" />
          ))}
        </div>
      ) : list.data && list.data.items.length > 0 ? (
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {list.data.items.map((v) => (
            <VacancyCard key={v.id} v={v} />
          ))}
        </div>
      ) : (
        <EmptyState title={t("vacancies.empty")} hint={t("vacancies.emptyHint")} />
      )}
      {list.data && (
        <Pagination
          page={page}
          perPage={PER_PAGE}
          total={list.data.total}
          onPage={(p) => setParam("page", String(p))}
        />
      )}
    </div>
  );
}
