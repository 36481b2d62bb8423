//! The transcript beside the call does not repeat turns that arrive twice.
import { describe, expect, it } from "vitest";
import { mergeTurns } from "./transcript";

const q = (number: number, text: string) => ({ number, speaker: "interviewer", text });
const a = (number: number, text: string) => ({ number, speaker: "candidate", text });

describe("mergeTurns", () => {
  it("appends new turns in the server's order", () => {
    expect(mergeTurns([q(1, "Q1")], [a(2, "A1"), q(3, "Q2")])).toEqual([q(1, "Q1"), a(2, "A1"), q(3, "Q2")]);
  });

  it("does not duplicate a question re-sent after a reconnect", () => {
    const before = [q(1, "Q1"), a(2, "A1"), q(3, "Q2")];
    expect(mergeTurns(before, [q(3, "Q2")])).toBe(before);
  });

  it("replaces a turn whose text the server corrected", () => {
    expect(mergeTurns([q(1, "Q1"), a(2, "draft")], [a(2, "final")])).toEqual([q(1, "Q1"), a(2, "final")]);
  });

  it("merges the server's transcript into what the channel delivered", () => {
    const live = [q(1, "Q1"), q(3, "Q2")];
    const server = [q(1, "Q1"), a(2, "A1"), q(3, "Q2")];
    expect(mergeTurns(live, server)).toEqual(server);
  });

  it("puts a question before its answer when both carry the same number", () => {
    expect(mergeTurns([a(1, "A1")], [q(1, "Q1")])).toEqual([q(1, "Q1"), a(1, "A1")]);
  });
});
