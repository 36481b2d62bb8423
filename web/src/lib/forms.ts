//! Form error plumbing: client-side zod issues and server field errors end up in one map.
import type { z } from "zod";
import { ApiError } from "@/lib/api";

export type FieldErrors = Record<string, string>;

/** One message per field (the first issue wins), keyed by the dotted path. */
export function zodFieldErrors(error: z.ZodError, messageFor: (path: string) => string): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.join(".");
    if (!(path in out)) out[path] = messageFor(path);
  }
  return out;
}

/** A server error that names a field, as a one-entry map; otherwise null (it is toasted). */
export function apiFieldErrors(err: unknown): FieldErrors | null {
  if (err instanceof ApiError && err.field) return { [err.field]: err.message };
  return null;
}
