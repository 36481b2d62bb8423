//! Shared zod pieces: ids, timestamps and the pipeline statuses.
import { z } from "zod";

/** Ids are opaque strings; numbers are accepted and turned into strings. */
export const Id = z.union([z.string(), z.number()]).transform(String);
export const Timestamp = z.string();

/**
 * An optional field of a response. The OpenAPI document marks `Option` fields as not required,
 * so a missing field is accepted too; either way the app sees `null`.
 */
export const orNull = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => v ?? null);

export const STATUSES = [
  "awaiting_response",
  "in_interview",
  "evaluation",
  "awaiting_manager_decision",
  "accepted",
  "rejected",
] as const;
export const Status = z.enum(STATUSES);
export type Status = z.infer<typeof Status>;

/** The forward path of the pipeline; `rejected` can be reached from any non-final stage. */
export const FORWARD: Record<Status, Status | null> = {
  awaiting_response: "in_interview",
  in_interview: "evaluation",
  evaluation: "awaiting_manager_decision",
  awaiting_manager_decision: "accepted",
  accepted: null,
  rejected: null,
};

export const isFinal = (s: Status) => s === "accepted" || s === "rejected";

export const Role = z.enum(["recruiter", "manager", "admin"]);
export type Role = z.infer<typeof Role>;
