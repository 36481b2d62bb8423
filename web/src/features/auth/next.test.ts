//! Where sign-in returns to, and which actions the UI offers to each role.
import { describe, expect, it } from "vitest";
import { safeNext } from "./next";
import { can } from "./schema";

describe("safeNext", () => {
  it("follows local paths only", () => {
    expect(safeNext("/vacancies/1?x=2")).toBe("/vacancies/1?x=2");
    expect(safeNext(null)).toBe("/candidates");
    expect(safeNext("https://evil.example")).toBe("/candidates");
    expect(safeNext("//evil.example")).toBe("/candidates");
    expect(safeNext("/login?next=/x")).toBe("/candidates");
  });
});

describe("role permissions in the UI", () => {
  it("let only managers and admins manage vacancies and only admins manage users", () => {
    expect(can.manageVacancies("recruiter")).toBe(false);
    expect(can.manageVacancies("manager")).toBe(true);
    expect(can.manageUsers("manager")).toBe(false);
    expect(can.manageUsers("admin")).toBe(true);
  });

  it("let only the vacancy's own manager or an admin edit it", () => {
    const v = { manager_id: "m1" };
    expect(can.editVacancy({ id: "m1", role: "manager" }, v)).toBe(true);
    expect(can.editVacancy({ id: "m2", role: "manager" }, v)).toBe(false);
    expect(can.editVacancy({ id: "r1", role: "recruiter" }, v)).toBe(false);
    expect(can.editVacancy({ id: "a1", role: "admin" }, v)).toBe(true);
  });
});
