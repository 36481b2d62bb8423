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

/**
 * Consent. On an open link the answer names this person's own link (`personal_token`): their
 * interview goes on there (`onPersonal` moves the page to it), and the open link stays a blank
 * form for the next person.
 */
export function useConsent(token: string, onPersonal?: (personalToken: string) => void) {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (input: ConsentInput) =>
      api.post(`/api/interview/${encodeURIComponent(token)}/consent`, InterviewInfo, input),
    onSuccess: (info) => {
      if (info.personal_token) {
        qc.setQueryData(["interview", info.personal_token], { ...info, personal_token: null });
        onPersonal?.(info.personal_token);
      } else {
        qc.setQueryData(["interview", token], info);
      }
    },
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
