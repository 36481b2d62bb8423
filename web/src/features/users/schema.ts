//! Creating users (admin only).
import { z } from "zod";
import { Role } from "@/lib/schema";

export { User } from "@/features/auth/schema";

export const UserInput = z.object({
  email: z.email(),
  name: z.string().trim().min(1),
  role: Role,
  password: z.string().min(8),
});
export type UserInput = z.infer<typeof UserInput>;

export const ParkedJob = z.object({ kind: z.string(), payload: z.unknown() });
export const ParkedJobs = z.object({ items: z.array(ParkedJob) });
export type ParkedJobs = z.infer<typeof ParkedJobs>;
