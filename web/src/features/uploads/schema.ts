//! Resume uploads: the ticket (where to PUT the file) and the upload's intake status.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { Id, orNull, Timestamp } from "@/lib/schema";

export const UploadStatus = z.discriminatedUnion("state", [
  z.object({ state: z.literal("pending") }),
  z.object({ state: z.literal("uploaded") }),
  z.object({ state: z.literal("done"), candidate_id: Id, updated_existing: z.boolean() }),
  z.object({ state: z.literal("failed"), code: z.string(), message_ru: z.string(), message_en: z.string() }),
]);
export type UploadStatus = z.infer<typeof UploadStatus>;

export const UploadView = z.object({
  id: Id,
  file_name: z.string(),
  content_type: z.string(),
  size: z.number(),
  vacancy_id: orNull(Id),
  created_at: Timestamp,
  updated_at: Timestamp,
  status: UploadStatus,
  candidate_id: orNull(Id),
  /** Why intake refused the file, already in the caller's language. */
  error: orNull(z.string()),
});
export type UploadView = z.infer<typeof UploadView>;

export const UploadTicket = z.object({
  upload: UploadView,
  url: z.string(),
  method: z.string(),
  headers: z.record(z.string(), z.string()),
  expires_at: Timestamp,
});
export type UploadTicket = z.infer<typeof UploadTicket>;

const BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  txt: "text/plain",
  md: "text/markdown",
};

/** Browsers leave `type` empty for some files (often .md); the server needs a declared type. */
export function contentTypeOf(file: { name: string; type: string }): string {
  if (file.type) return file.type;
  const ext = file.name.split(".").pop()?.toLowerCase() ?? "";
  return BY_EXTENSION[ext] ?? "application/octet-stream";
}

/** Intake is still running while the file is pending or uploaded. */
export const isSettled = (s: UploadStatus) => s.state === "done" || s.state === "failed";

/** The largest resume the server accepts. */
export const MAX_RESUME_BYTES = 10 * 1024 * 1024;
export const RESUME_EXTENSIONS = ["pdf", "docx", "txt", "md"] as const;

/**
 * Why a file cannot be uploaded as a resume, checked before asking the server (which checks the
 * same again): a wrong kind of file, an empty one or one over 10 MB.
 */
export function resumeFileProblem(file: { name: string; size: number }): "badType" | "emptyFile" | "tooBig" | null {
  const ext = file.name.includes(".") ? (file.name.split(".").pop()?.toLowerCase() ?? "") : "";
  if (!(RESUME_EXTENSIONS as readonly string[]).includes(ext)) return "badType";
  if (file.size === 0) return "emptyFile";
  if (file.size > MAX_RESUME_BYTES) return "tooBig";
  return null;
}

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
// `created_by` is not read by the app; `headers` is an untyped map in the document.
export type UploadApi = Api["UploadView"];
export type _UploadMatchesApi = Expect<Same<UploadView, Omit<UploadApi, "created_by">>>;
export type _UploadStatusMatchesApi = Expect<Same<UploadStatus, Api["UploadStatus"]>>;
export type _UploadTicketMatchesApi = Expect<Same<Omit<UploadTicket, "headers">, Omit<Api["UploadTicket"], "headers" | "upload"> & { upload: Omit<UploadApi, "created_by"> }>>;
