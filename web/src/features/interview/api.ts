//! The candidate's invite page: no session, the token in the URL is the authority.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { InterviewInfo } from "./schema";

export function useInterview(token: string) {
  return useQuery({
    queryKey: ["interview", token],
    queryFn: () => api.get(`/api/interview/${encodeURIComponent(token)}`, InterviewInfo),
    meta: { silent: true },
    retry: false,
  });
}

export type ConsentInput = { consent: true; full_name?: string; email?: string; phone?: string };

export function useConsent(token: string) {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (input: ConsentInput) =>
      api.post(`/api/interview/${encodeURIComponent(token)}/consent`, InterviewInfo, input),
    onSuccess: (info) => qc.setQueryData(["interview", token], info),
  });
}
