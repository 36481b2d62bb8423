//! User administration queries.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, pageOf } from "@/lib/api";
import { User, type UserInput } from "./schema";

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
