//! Uploading a resume: ask for an upload URL, PUT the file there with progress, then follow intake.
import { useQuery } from "@tanstack/react-query";
import { api, putToUploadUrl } from "@/lib/api";
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
