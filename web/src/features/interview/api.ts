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

/** The server answers every chat step with the whole view; it replaces the cached one. */
function useChatStep<V>(token: string, path: string, body?: (v: V) => unknown) {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: (v: V) =>
      api.post(`/api/interview/${encodeURIComponent(token)}/${path}`, InterviewInfo, body ? body(v) : undefined),
    onSuccess: (info) => qc.setQueryData(["interview", token], info),
  });
}

export const useStartInterview = (token: string) => useChatStep<void>(token, "start");
export const useSendAnswer = (token: string) => useChatStep<string>(token, "messages", (text) => ({ text }));
export const useFinishInterview = (token: string) => useChatStep<void>(token, "finish");
