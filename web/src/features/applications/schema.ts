//! Applications (candidate x vacancy), transitions and their history.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { Id, orNull, Status, Timestamp } from "@/lib/schema";

export const Application = z.object({
  id: Id,
  candidate_id: Id,
  vacancy_id: Id,
  candidate_name: z.string(),
  vacancy_title: z.string(),
  status: Status,
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int(),
});
export type Application = z.infer<typeof Application>;

export const Actor = z.object({
  kind: z.enum(["user", "candidate", "system"]),
  id: orNull(Id),
  name: orNull(z.string()),
});

export const HistoryEntry = z.object({
  from: orNull(Status),
  to: Status,
  actor: Actor,
  at: Timestamp,
  reason: orNull(z.string()),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const History = z.object({ items: z.array(HistoryEntry) });

export const TransitionInput = z.object({
  to: Status,
  reason: z.string().trim().min(1).optional(),
  /** The version the user saw; the server answers 409 conflict if someone moved it since. */
  expected_version: z.number().int().optional(),
});
export type TransitionInput = z.infer<typeof TransitionInput>;

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
// Fields the app does not read are left out of the comparison by name (`furthest`,
// `application_id`): a new field on the server still fails until it is added here or to zod.
export type ApplicationApi = Api["ApplicationView"];
export type HistoryEntryApi = Api["HistoryEntry"];
export type _ApplicationMatchesApi = Expect<Same<Application, Omit<ApplicationApi, "furthest">>>;
export type _HistoryEntryMatchesApi = Expect<Same<HistoryEntry, Omit<HistoryEntryApi, "application_id">>>;
// What the app sends must be something the server accepts (a request: one way only).
export type _TransitionInputFitsApi = Expect<TransitionInput extends Api["TransitionRequest"] ? true : false>;
