//! The name of the candidate an upload produced, so the recruiter sees who the file turned into.
import { useCandidate } from "@/features/candidates/api";

export function CandidateName({ id, fallback = null }: { id: string; fallback?: string | null }) {
  const candidate = useCandidate(id);
  if (!candidate.data) return fallback;
  return <span data-testid="upload-candidate-name">{candidate.data.full_name}</span>;
}
