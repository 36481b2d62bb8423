//! Vacancy queries and mutations.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, pageOf, uploadFile } from "@/lib/api";
import {
  InviteCreated,
  Vacancy,
  VacancyDraft,
  type VacancyInput,
} from "./schema";

export type VacancyListParams = {
  state?: "open" | "closed" | "all";
  q?: string;
  page?: number;
  per_page?: number;
};

const VacancyPage = pageOf(Vacancy);

export function useVacancies(params: VacancyListParams) {
  return useQuery({
    queryKey: ["vacancies", params],
    queryFn: () => api.get("/api/vacancies", VacancyPage, params),
    placeholderData: keepPreviousData,
  });
}

export function useVacancy(id: string | undefined) {
  return useQuery({
    queryKey: ["vacancy", id],
    queryFn: () => api.get(`/api/vacancies/${id}`, Vacancy),
    enabled: !!id,
    meta: { silent: true },
  });
}

export function useCreateVacancy() {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (input: VacancyInput) => api.post("/api/vacancies", Vacancy, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["vacancies"] }),
  });
}

export function useUpdateVacancy(id: string) {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (input: Partial<VacancyInput>) => api.patch(`/api/vacancies/${id}`, Vacancy, input),
    onSuccess: (v) => {
      qc.setQueryData(["vacancy", id], v);
      return qc.invalidateQueries({ queryKey: ["vacancies"] });
    },
  });
}

export function useCloseVacancy(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post(`/api/vacancies/${id}/close`, Vacancy),
    onSuccess: (v) => {
      qc.setQueryData(["vacancy", id], v);
      return qc.invalidateQueries({ queryKey: ["vacancies"] });
    },
  });
}

export function importVacancyFile(file: File, onProgress: (p: number) => void) {
  return uploadFile("/api/vacancies/import", file, VacancyDraft, onProgress);
}

export function useCreateInvite(vacancyId: string) {
  return useMutation({
    mutationFn: (candidateId: string | null) =>
      api.post(
        `/api/vacancies/${vacancyId}/invites`,
        InviteCreated,
        candidateId ? { candidate_id: candidateId } : {},
      ),
  });
}
