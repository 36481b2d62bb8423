//! Uploading a resume: ask for an upload URL, PUT the file there with progress, then follow intake;
//! and the list of uploads with their intake results.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, pageOf, putToUploadUrl } from "@/lib/api";
import { UploadTicket, UploadView, contentTypeOf, isSettled } from "./schema";

export async function uploadResume(
  file: File,
  vacancyId: string | undefined,
  onProgress: (percent: number) => void,
): Promise<UploadView> {
  const ticket = await api.post("/api/uploads", UploadTicket, {
    file_name: file.name,
    content_type: contentTypeOf(file),
    size: file.size,
    vacancy_id: vacancyId ?? null,
  });
  await putToUploadUrl(ticket.url, file, ticket.headers, onProgress);
  return ticket.upload;
}

/** Polls an upload until intake has created (or refused) the candidate. */
export function useUploadStatus(id: string | null) {
  return useQuery({
    queryKey: ["upload", id],
    queryFn: () => api.get(`/api/uploads/${id}`, UploadView),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && isSettled(q.state.data.status) ? false : 1000),
  });
}

const UploadPage = pageOf(UploadView);

export type UploadListParams = { mine?: boolean; page?: number; per_page?: number };

/** The uploads, newest first; polled while any of them is still being processed. */
export function useUploads(params: UploadListParams) {
  return useQuery({
    queryKey: ["uploads", params],
    queryFn: () => api.get("/api/uploads", UploadPage, { ...params, mine: params.mine || undefined }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((u) => !isSettled(u.status)) ? 1500 : false),
  });
}
