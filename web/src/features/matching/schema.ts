//! Matches between candidates and vacancies, as the screening engine scored them.
import { z } from "zod";
import { Id, Timestamp } from "@/lib/schema";

/** `score` is 0..100, computed by the server's code from per-requirement verdicts. */
export const Match = z.object({
  candidate_id: Id,
  vacancy_id: Id,
  candidate_name: z.string(),
  vacancy_title: z.string(),
  score: z.number().min(0).max(100),
  applied: z.boolean(),
  engine: z.string().nullish(),
  computed_at: Timestamp.nullish(),
});
export type Match = z.infer<typeof Match>;

export const Matches = z.object({ items: z.array(Match) });
