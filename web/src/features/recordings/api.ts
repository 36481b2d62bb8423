//! The recordings of a candidate's applications. A list's links expire after ~15 minutes, so
//! it is not refetched behind the player's back (a new link would restart the video); the
//! player asks for a fresh list when its link stops working.
import { useQueries } from "@tanstack/react-query";
import { api } from "@/lib/api";
import { RecordingList } from "./schema";

export const recordingsQuery = (applicationId: string) => ({
  queryKey: ["recordings", applicationId],
  queryFn: () => api.get(`/api/applications/${applicationId}/recordings`, RecordingList),
  staleTime: 10 * 60_000,
  refetchOnWindowFocus: false,
});

/** One query per application, in the order given. */
export function useRecordings(applicationIds: string[]) {
  return useQueries({ queries: applicationIds.map(recordingsQuery) });
}
