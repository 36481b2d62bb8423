//! The evaluation report of an application and the manager's decision on it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Application } from "@/features/applications/schema";
import { api, ApiError } from "@/lib/api";
import { EvaluationView } from "./schema";

/** The report; `null` while there is none (404). Polls while the evaluation is being prepared. */
export function useEvaluation(applicationId: string, poll: boolean) {
  return useQuery({
    queryKey: ["evaluation", applicationId],
    queryFn: async () => {
      try {
        return await api.get(`/api/applications/${applicationId}/evaluation`, EvaluationView);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    refetchInterval: (q) => (poll && !q.state.data ? 2_000 : false),
  });
}

export type DecisionInput = { decision: "accepted" | "rejected"; reason?: string };

export function useDecision(applicationId: string) {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (input: DecisionInput) => api.post(`/api/applications/${applicationId}/decision`, Application, input),
    onSettled: () =>
      Promise.all(
        ["applications", "history", "vacancies", "vacancy", "candidates", "evaluation"].map((k) =>
          qc.invalidateQueries({ queryKey: [k] }),
        ),
      ),
  });
}
