//! User administration queries.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, pageOf } from "@/lib/api";
import { ParkedJobs, User, type UserInput } from "./schema";

const UserPage = pageOf(User);

export function useUsers(page: number) {
  return useQuery({
    queryKey: ["users", page],
    queryFn: () => api.get("/api/users", UserPage, { page, per_page: 20 }),
    placeholderData: keepPreviousData,
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    meta: { formErrors: true },
    mutationFn: (input: UserInput) => api.post("/api/users", User, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["users"] }),
  });
}

/** Jobs the queue parked after too many failed attempts (admin). */
export function useParkedJobs() {
  return useQuery({
    queryKey: ["parked-jobs"],
    queryFn: () => api.get("/api/jobs/dead-letters", ParkedJobs, { limit: 50 }),
  });
}
