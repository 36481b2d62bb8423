//! The analysed resume text, collapsible and searchable; the span of the profile field the user
//! picked is highlighted and scrolled into view (where a value came from).
import { useEffect, useMemo, useRef, useState } from "react";
import { ChevronDownIcon, ChevronUpIcon, SearchIcon, XIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { useI18n } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { findAll, segmentText, type Mark } from "../profile";

export type Selection = { label: string; start: number; end: number };

export function ResumeText({
  text,
  selection,
  onClear,
  open,
  onOpenChange,
}: {
  text: string;
  /** A range of UTF-16 indices into `text`. */
  selection: Selection | null;
  onClear: () => void;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { t, tn } = useI18n();
  const [query, setQuery] = useState("");
  const selected = useRef<HTMLElement | null>(null);
  const firstHit = useRef<HTMLElement | null>(null);

  const hits = useMemo(() => findAll(text, query), [text, query]);
  const segments = useMemo(() => {
    const marks: Mark[] = hits.map((h) => ({ ...h, kind: "hit" }));
    if (selection) marks.push({ start: selection.start, end: selection.end, kind: "selected" });
    return segmentText(text, marks);
  }, [text, hits, selection]);

  useEffect(() => {
    if (open && selection) selected.current?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [open, selection]);
  useEffect(() => {
    if (open && hits.length > 0) firstHit.current?.scrollIntoView({ block: "nearest" });
  }, [open, hits]);

  let selectedSeen = false;
  let hitSeen = false;
  return (
    <Card data-testid="resume-text-card">
      <CardHeader className="flex flex-row items-center justify-between gap-2">
        <CardTitle>{t("profile.text")}</CardTitle>
        <Button
          variant="ghost"
          size="sm"
          aria-expanded={open}
          aria-controls="resume-text"
          data-testid="resume-text-toggle"
          onClick={() => onOpenChange(!open)}
        >
          {open ? <ChevronUpIcon /> : <ChevronDownIcon />}
          {open ? t("profile.textHide") : t("profile.textShow")}
        </Button>
      </CardHeader>
      {open && (
        <CardContent className="space-y-3">
          <div className="flex flex-wrap items-center gap-3">
            <div className="relative max-w-xs flex-1">
              <SearchIcon className="text-muted-foreground pointer-events-none absolute top-2.5 left-2.5 size-4" />
              <Input
                type="search"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
                placeholder={t("profile.textSearch")}
                aria-label={t("profile.textSearch")}
                className="pl-8"
                data-testid="resume-text-search"
              />
            </div>
            {query.trim() && (
              <span className="text-muted-foreground text-xs" aria-live="polite" data-testid="resume-text-hits">
                {tn("profile.textMatches", hits.length)}
              </span>
            )}
            {selection ? (
              <span className="bg-primary/10 text-primary inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs">
                {t("profile.textHighlighted", { field: selection.label })}
                <button
                  type="button"
                  className="hover:bg-primary/20 rounded"
                  aria-label={t("profile.textClear")}
                  title={t("profile.textClear")}
                  onClick={onClear}
                >
                  <XIcon className="size-3.5" />
                </button>
              </span>
            ) : (
              <span className="text-muted-foreground text-xs">{t("profile.textHint")}</span>
            )}
          </div>
          <pre
            id="resume-text"
            data-testid="resume-text"
            className="bg-muted/40 max-h-[28rem] overflow-auto rounded-md border p-3 font-mono text-xs leading-relaxed break-words whitespace-pre-wrap"
          >
            {segments.map((s) => {
              if (s.kinds.length === 0) return s.text;
              const isSelected = s.kinds.includes("selected");
              const isHit = s.kinds.includes("hit");
              const ref = (el: HTMLElement | null) => {
                if (!el) return;
                if (isSelected && !selectedSeen) {
                  selectedSeen = true;
                  selected.current = el;
                }
                if (isHit && !hitSeen) {
                  hitSeen = true;
                  firstHit.current = el;
                }
              };
              return (
                <mark
                  key={s.start}
                  ref={ref}
                  data-testid={isSelected ? "resume-text-selected" : "resume-text-hit"}
                  className={cn(
                    "rounded-sm",
                    isSelected ? "bg-primary/20 text-foreground ring-primary/60 ring-1" : "bg-amber-200 text-foreground",
                  )}
                >
                  {s.text}
                </mark>
              );
            })}
          </pre>
        </CardContent>
      )}
    </Card>
  );
}
