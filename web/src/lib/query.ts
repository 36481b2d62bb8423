//! The one QueryClient: 401 sends the user to /login (RequireAuth reads the cleared session),
//! every other error becomes a toast with the server's message unless the caller shows it itself.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { ApiError } from "@/lib/api";

export type AppMeta = {
  /** The component shows the error itself (e.g. an empty state for a 404). */
  silent?: boolean;
  /** Field errors are shown next to the field; others still toast. */
  formErrors?: boolean;
};

declare module "@tanstack/react-query" {
  interface Register {
    queryMeta: AppMeta;
    mutationMeta: AppMeta;
  }
}

export const ME_KEY = ["auth", "me"] as const;

export function createQueryClient(): QueryClient {
  const handle = (error: unknown, meta: AppMeta | undefined) => {
    if (error instanceof ApiError && error.status === 401) {
      // RequireAuth sees the session gone and redirects with ?next=<current path>.
      client.setQueryData(ME_KEY, null);
      return;
    }
    if (meta?.silent) return;
    if (meta?.formErrors && error instanceof ApiError && error.field) return;
    const message = error instanceof Error ? error.message : String(error);
    toast.error(message);
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => handle(error, query.meta) }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => handle(error, mutation.meta),
    }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: false,
        retry: (count, error) =>
          !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
      },
    },
  });
  return client;
}
