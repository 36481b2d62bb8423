//! Application queries, assignment and status transitions.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, pageOf } from "@/lib/api";
import { Application, History, type TransitionInput } from "./schema";

export type ApplicationListParams = {
  vacancy_id?: string;
  candidate_id?: string;
  status?: string;
  q?: string;
  page?: number;
  per_page?: number;
};

const ApplicationPage = pageOf(Application);

export function useApplications(params: ApplicationListParams, enabled = true) {
  return useQuery({
    queryKey: ["applications", params],
    queryFn: () => api.get("/api/applications", ApplicationPage, params),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useHistory(applicationId: string, enabled = true) {
  return useQuery({
    queryKey: ["history", applicationId],
    queryFn: () => api.get(`/api/applications/${applicationId}/history`, History),
    enabled,
  });
}

function invalidatePipeline(qc: ReturnType<typeof useQueryClient>) {
  return Promise.all([
    qc.invalidateQueries({ queryKey: ["applications"] }),
    qc.invalidateQueries({ queryKey: ["history"] }),
    qc.invalidateQueries({ queryKey: ["vacancies"] }),
    qc.invalidateQueries({ queryKey: ["vacancy"] }),
    qc.invalidateQueries({ queryKey: ["candidates"] }),
    qc.invalidateQueries({ queryKey: ["matches"] }),
  ]);
}

export function useCreateApplication() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { candidate_id: string; vacancy_id: string }) =>
      api.post("/api/applications", Application, input),
    onSuccess: () => invalidatePipeline(qc),
  });
}

export function useTransition(opts: { formErrors?: boolean } = {}) {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: opts.formErrors },
    mutationFn: ({ id, ...input }: TransitionInput & { id: string }) =>
      api.post(`/api/applications/${id}/transitions`, Application, input),
    onSettled: () => invalidatePipeline(qc),
  });
}
