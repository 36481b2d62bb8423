//! Session queries: who is signed in, sign in, sign out.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { ApiError, api, setCsrfToken } from "@/lib/api";
import { ME_KEY } from "@/lib/query";
import { Session, type LoginInput, type User } from "./schema";

async function fetchMe(): Promise<User | null> {
  try {
    const s = await api.get("/api/auth/me", Session);
    setCsrfToken(s.csrf_token);
    return s.user;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000 });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: (input: LoginInput) => api.post("/api/auth/login", Session, input),
    onSuccess: (s) => {
      setCsrfToken(s.csrf_token);
      qc.setQueryData(ME_KEY, s.user);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post("/api/auth/logout", z.unknown()),
    onSettled: () => {
      setCsrfToken(null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
    },
  });
}
