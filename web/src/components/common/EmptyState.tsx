//! A friendly empty state with an icon, a title and an optional hint and action.
import type { ReactNode } from "react";
import { InboxIcon } from "lucide-react";
import { cn } from "@/lib/utils";

export function EmptyState({
  title,
  hint,
  icon,
  action,
  className,
}: {
  title: string;
  hint?: string;
  icon?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div
      data-testid="empty-state"
      className={cn(
        "flex flex-col items-center justify-center gap-2 rounded-lg border border-dashed px-6 py-10 text-center",
        className,
      )}
    >
      <div className="text-muted-foreground [&_svg]:size-8">{icon ?? <InboxIcon />}</div>
      <p className="text-sm font-medium">{title}</p>
      {hint && <p className="text-muted-foreground max-w-md text-sm">{hint}</p>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}
