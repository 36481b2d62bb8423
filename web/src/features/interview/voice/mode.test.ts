//! The chosen format is remembered per invite in this browser, and storage trouble is harmless.
import { afterEach, describe, expect, it, vi } from "vitest";
import { readMode } from "./mode";

function stubStorage(items: Record<string, string>) {
  vi.stubGlobal("localStorage", {
    getItem: (k: string) => items[k] ?? null,
    setItem: (k: string, v: string) => void (items[k] = v),
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("readMode", () => {
  const token = "0123456789abcdef".repeat(4);

  it("reads the format chosen for this invite only, keyed without the whole token", () => {
    stubStorage({ "otbor.interview.mode.0123456789abcdef": "voice" });
    expect(readMode(token)).toBe("voice");
    expect(readMode("f".repeat(64))).toBeNull();
  });

  it("ignores unknown values and missing storage", () => {
    stubStorage({ "otbor.interview.mode.0123456789abcdef": "telepathy" });
    expect(readMode(token)).toBeNull();
    vi.stubGlobal("localStorage", undefined);
    expect(readMode(token)).toBeNull();
  });
});
