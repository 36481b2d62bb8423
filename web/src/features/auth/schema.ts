//! Users and sessions.
import { z } from "zod";
import type { Api, Expect, Same } from "@/lib/api-contract";
import { Id, Role, Timestamp } from "@/lib/schema";

export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  created_at: Timestamp,
});
export type User = z.infer<typeof User>;

export const Session = z.object({ user: User, csrf_token: z.string() });
export type Session = z.infer<typeof Session>;

export const LoginInput = z.object({
  email: z.email(),
  password: z.string().min(1),
});
export type LoginInput = z.infer<typeof LoginInput>;

/** Which actions a role may take; the server enforces the same rules. */
export const can = {
  manageVacancies: (role: Role | undefined) => role === "manager" || role === "admin",
  /** Editing and closing: the vacancy's own manager, or an admin. */
  editVacancy: (user: { id: string; role: Role }, vacancy: { manager_id: string | null }) =>
    user.role === "admin" || (user.role === "manager" && vacancy.manager_id === user.id),
  decideFinal: (role: Role | undefined) => role === "manager" || role === "admin",
  manageUsers: (role: Role | undefined) => role === "admin",
};

// Tied to the OpenAPI document: tsc fails here if the schemas drift from the server's types.
export type UserApi = Api["UserView"];
export type _UserMatchesApi = Expect<Same<User, UserApi>>;
export type _SessionMatchesApi = Expect<Same<Session, Api["SessionView"]>>;
