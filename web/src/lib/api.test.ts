//! The HTTP client's query strings and error envelope parsing.
import { describe, expect, it } from "vitest";
import { ApiError, toApiError, withQuery } from "./api";

describe("withQuery", () => {
  it("drops empty values and encodes the rest", () => {
    expect(withQuery("/api/candidates", { q: "Анна", page: 2, status: undefined, source: "" })).toBe(
      "/api/candidates?q=%D0%90%D0%BD%D0%BD%D0%B0&page=2",
    );
    expect(withQuery("/api/x", {})).toBe("/api/x");
  });
});

describe("toApiError", () => {
  it("reads the server's error envelope", () => {
    const e = toApiError(422, { error: { code: "validation", message: "Нужна причина", field: "reason" } }, "");
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.code).toBe("validation");
    expect(e.message).toBe("Нужна причина");
    expect(e.field).toBe("reason");
  });

  it("falls back to the status when the body is not an error envelope", () => {
    const e = toApiError(502, undefined, "Bad Gateway");
    expect(e.code).toBe("http_502");
    expect(e.message).toBe("Bad Gateway");
    expect(e.field).toBeNull();
  });
});
