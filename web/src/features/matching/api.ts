//! Suitable vacancies for a candidate and recommended candidates for a vacancy.
import { useQuery } from "@tanstack/react-query";
import { ApiError, api } from "@/lib/api";
import { Matches } from "./schema";

/**
 * A server without matching answers 404 (or 501): that is "not yet", shown as an empty state.
 * (The candidate or vacancy itself is loaded separately, so its own 404 is shown there.)
 */
async function orNotYet<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 501)) return null;
    throw e;
  }
}

export function useCandidateMatches(id: string) {
  return useQuery({
    queryKey: ["matches", "candidate", id],
    queryFn: () => orNotYet(() => api.get(`/api/candidates/${id}/matches`, Matches)),
    meta: { silent: true },
    retry: false,
  });
}

export function useRecommendations(vacancyId: string) {
  return useQuery({
    queryKey: ["matches", "vacancy", vacancyId],
    queryFn: () => orNotYet(() => api.get(`/api/vacancies/${vacancyId}/recommendations`, Matches, { limit: 10 })),
    meta: { silent: true },
    retry: false,
  });
}
