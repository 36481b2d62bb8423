//! The one HTTP client: JSON in and out, CSRF header on writes, Accept-Language, typed errors,
//! responses parsed by zod schemas, and uploads through XMLHttpRequest for progress events.
import { z } from "zod";
import { getLang } from "@/lib/i18n";

export const apiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().nullish(),
  }),
});

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;

  constructor(status: number, code: string, message: string, field: string | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let csrfToken: string | null = null;

/** Remembers the token from the login or /me response. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

function readCookie(name: string): string | null {
  if (typeof document === "undefined") return null;
  for (const part of document.cookie.split(";")) {
    const [k, ...rest] = part.trim().split("=");
    if (k === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export function currentCsrfToken(): string | null {
  return readCookie("otbor_csrf") ?? csrfToken;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Turns an error response into an ApiError, whatever its body looks like. */
export function toApiError(status: number, body: unknown, fallbackText: string): ApiError {
  const parsed = apiErrorBody.safeParse(body);
  if (parsed.success) {
    const e = parsed.data.error;
    return new ApiError(status, e.code, e.message, e.field ?? null);
  }
  return new ApiError(status, "http_" + status, fallbackText || `HTTP ${status}`);
}

function parseWith<S extends z.ZodType>(schema: S, data: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(data);
  if (!r.success) {
    console.error(`Unexpected response from ${where}`, r.error.issues, data);
    const first = r.error.issues[0];
    const at = first ? `${first.path.join(".")}: ${first.message}` : "";
    throw new ApiError(0, "bad_response", `Unexpected response from ${where} (${at})`);
  }
  return r.data;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function headersFor(method: string, path: string, json: boolean): Record<string, string> {
  const h: Record<string, string> = { Accept: "application/json", "Accept-Language": getLang() };
  if (json) h["Content-Type"] = "application/json";
  const exempt = path === "/api/auth/login" || path.startsWith("/api/interview/");
  if (WRITE_METHODS.has(method) && !exempt) {
    const token = currentCsrfToken();
    if (token) h["X-CSRF-Token"] = token;
  }
  return h;
}

async function request<S extends z.ZodType>(
  method: string,
  path: string,
  schema: S,
  opts: { body?: unknown; query?: Query } = {},
): Promise<z.infer<S>> {
  const url = withQuery(path, opts.query);
  const hasBody = opts.body !== undefined;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: headersFor(method, path, hasBody),
      body: hasBody ? JSON.stringify(opts.body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, "network", e instanceof Error ? e.message : "Network error");
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) throw toApiError(res.status, data, text.slice(0, 200) || res.statusText);
  return parseWith(schema, data, `${method} ${path}`);
}

export const api = {
  get: <S extends z.ZodType>(path: string, schema: S, query?: Query) =>
    request("GET", path, schema, { query }),
  post: <S extends z.ZodType>(path: string, schema: S, body: unknown = {}) =>
    request("POST", path, schema, { body }),
  patch: <S extends z.ZodType>(path: string, schema: S, body: unknown) =>
    request("PATCH", path, schema, { body }),
  put: <S extends z.ZodType>(path: string, schema: S, body: unknown) =>
    request("PUT", path, schema, { body }),
  /** A DELETE; an endpoint that answers 204 takes `z.unknown()` (its body is empty). */
  delete: <S extends z.ZodType>(path: string, schema: S) => request("DELETE", path, schema),
};

type XhrResult = { status: number; statusText: string; data: unknown; text: string };

/** Sends a body with XMLHttpRequest, which (unlike fetch) reports upload progress. */
function xhrSend(
  method: string,
  url: string,
  body: XMLHttpRequestBodyInit,
  headers: Record<string, string>,
  onProgress: (percent: number) => void,
  withCredentials: boolean,
): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = withCredentials;
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "Network error"));
    xhr.onload = () => {
      let data: unknown = undefined;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) onProgress(100);
      resolve({ status: xhr.status, statusText: xhr.statusText, data, text: xhr.responseText });
    };
    xhr.send(body);
  });
}

/** Uploads a file to our API as multipart form data (field `file`), reporting progress 0..100. */
export async function uploadFile<S extends z.ZodType>(
  path: string,
  file: File,
  schema: S,
  onProgress: (percent: number) => void,
  field = "file",
): Promise<z.infer<S>> {
  const form = new FormData();
  form.append(field, file);
  const r = await xhrSend("POST", path, form, headersFor("POST", path, false), onProgress, true);
  if (r.status < 200 || r.status >= 300) throw toApiError(r.status, r.data, r.statusText);
  return parseWith(schema, r.data, `POST ${path}`);
}

/**
 * PUTs a file to an upload URL handed out by the server. The URL carries its own authority
 * (locally our server with a token, in the cloud a presigned S3 URL), so only the headers it
 * was issued with are sent: no cookies, no CSRF token.
 */
export async function putToUploadUrl(
  url: string,
  file: File,
  headers: Record<string, string>,
  onProgress: (percent: number) => void,
): Promise<void> {
  const r = await xhrSend("PUT", url, file, headers, onProgress, false);
  if (r.status < 200 || r.status >= 300) throw toApiError(r.status, r.data, r.statusText);
}

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    per_page: z.number().int(),
  });
