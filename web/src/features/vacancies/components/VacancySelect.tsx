//! A select of vacancies (by default all states), used by filters, the board and assignment.
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useVacancies } from "../api";

export const ALL = "__all";

export function VacancySelect({
  id,
  value,
  onChange,
  placeholder,
  allLabel,
  state = "all",
  exclude = [],
  className,
}: {
  id?: string;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  placeholder: string;
  /** When given, an "all" option clears the choice. */
  allLabel?: string;
  state?: "open" | "closed" | "all";
  exclude?: string[];
  className?: string;
}) {
  const vacancies = useVacancies({ state, per_page: 100 });
  const items = (vacancies.data?.items ?? []).filter((v) => !exclude.includes(v.id));
  return (
    <Select
      value={value ?? (allLabel ? ALL : "")}
      onValueChange={(v) => onChange(v === ALL ? undefined : v)}
    >
      <SelectTrigger id={id} className={className ?? "w-56"} aria-label={placeholder}>
        <SelectValue placeholder={placeholder} />
      </SelectTrigger>
      <SelectContent>
        {allLabel && <SelectItem value={ALL}>{allLabel}</SelectItem>}
        {items.map((v) => (
          <SelectItem key={v.id} value={v.id}>
            {v.title}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
