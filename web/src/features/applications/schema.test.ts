//! The pipeline order, application and history parsing, transition input.
import { describe, expect, it } from "vitest";
import { FORWARD, isFinal, STATUSES } from "@/lib/schema";
import { Application, History, TransitionInput } from "./schema";

describe("statuses", () => {
  it("go forward along the pipeline and stop at the final ones", () => {
    let s: (typeof STATUSES)[number] | null = "awaiting_response";
    const path = [];
    while (s) {
      path.push(s);
      s = FORWARD[s];
    }
    expect(path).toEqual(["awaiting_response", "in_interview", "evaluation", "awaiting_manager_decision", "accepted"]);
    expect(isFinal("rejected")).toBe(true);
    expect(isFinal("evaluation")).toBe(false);
  });
});

describe("Application", () => {
  it("rejects an unknown status", () => {
    const app = {
      id: "a1",
      candidate_id: "c1",
      vacancy_id: "v1",
      candidate_name: "A",
      vacancy_title: "V",
      status: "in_interview",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      version: 2,
    };
    expect(Application.parse(app).status).toBe("in_interview");
    expect(Application.safeParse({ ...app, status: "hired" }).success).toBe(false);
  });
});

describe("History", () => {
  it("accepts the first entry without a from status and system actors", () => {
    const h = History.parse({
      items: [
        { from: null, to: "awaiting_response", actor: { kind: "user", id: "u1", name: "Мария" }, at: "2026-01-01T00:00:00Z", reason: null },
        { from: "awaiting_response", to: "rejected", actor: { kind: "system", id: null, name: null }, at: "2026-01-02T00:00:00Z", reason: "No answer" },
      ],
    });
    expect(h.items[1].reason).toBe("No answer");
    const bare = History.parse({ items: [{ to: "in_interview", actor: { kind: "system" }, at: "2026-01-01T00:00:00Z" }] });
    expect(bare.items[0]).toMatchObject({ from: null, reason: null, actor: { id: null, name: null } });
  });
});

describe("TransitionInput", () => {
  it("does not accept a blank reason", () => {
    expect(TransitionInput.safeParse({ to: "rejected", reason: "  " }).success).toBe(false);
    expect(TransitionInput.safeParse({ to: "rejected", reason: "Нет опыта" }).success).toBe(true);
  });
});
