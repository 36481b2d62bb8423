//! Candidate queries and mutations.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, pageOf } from "@/lib/api";
import { Candidate, type CandidateInput } from "./schema";

export type CandidateListParams = {
  q?: string;
  source?: string;
  vacancy_id?: string;
  status?: string;
  sort?: "name" | "created_at" | "updated_at";
  order?: "asc" | "desc";
  page?: number;
  per_page?: number;
};

const CandidatePage = pageOf(Candidate);

export function useCandidates(params: CandidateListParams, enabled = true) {
  return useQuery({
    queryKey: ["candidates", params],
    queryFn: () => api.get("/api/candidates", CandidatePage, params),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCandidate(id: string | undefined) {
  return useQuery({
    queryKey: ["candidate", id],
    queryFn: () => api.get(`/api/candidates/${id}`, Candidate),
    enabled: !!id,
    meta: { silent: true },
  });
}

export function useCreateCandidate() {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (input: CandidateInput) => api.post("/api/candidates", Candidate, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["candidates"] }),
  });
}

export function useUpdateCandidate(id: string) {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (input: Partial<CandidateInput>) =>
      api.patch(`/api/candidates/${id}`, Candidate, input),
    onSuccess: (c) => {
      qc.setQueryData(["candidate", id], c);
      return qc.invalidateQueries({ queryKey: ["candidates"] });
    },
  });
}
