//! What the device check says about a getUserMedia failure, which device the pickers show, and
//! the microphone level.
import { describe, expect, it } from "vitest";
import { classifyMediaError, constraintsFor, levelOf, resolveDeviceId } from "./devices";

const err = (name: string) => Object.assign(new Error(name), { name });
const dev = (deviceId: string, groupId: string) => ({ deviceId, groupId, kind: "audioinput", label: deviceId }) as MediaDeviceInfo;

describe("classifyMediaError", () => {
  it("tells a refusal from a missing device and from a busy one", () => {
    expect(classifyMediaError(err("NotAllowedError"))).toBe("denied");
    expect(classifyMediaError(err("SecurityError"))).toBe("denied");
    expect(classifyMediaError(err("NotFoundError"))).toBe("not_found");
    expect(classifyMediaError(err("OverconstrainedError"))).toBe("not_found");
    expect(classifyMediaError(err("NotReadableError"))).toBe("busy");
    expect(classifyMediaError(err("TypeError"))).toBe("unsupported");
    expect(classifyMediaError(err("Weird"))).toBe("unknown");
    expect(classifyMediaError(null)).toBe("unknown");
  });
});

describe("constraintsFor", () => {
  it("asks for the picked devices exactly, with echo cancellation", () => {
    const c = constraintsFor({ audioId: "mic-2", videoId: "cam-1" });
    expect(c.audio).toMatchObject({ deviceId: { exact: "mic-2" }, echoCancellation: true });
    expect(c.video).toMatchObject({ deviceId: { exact: "cam-1" } });
    expect(constraintsFor({}).audio).not.toHaveProperty("deviceId");
  });
});

describe("resolveDeviceId", () => {
  const listed = [dev("mic-a", "g1"), dev("mic-b", "g2")];
  const all = [dev("default", "g2"), ...listed];

  it("keeps a listed device", () => {
    expect(resolveDeviceId("mic-a", listed, all)).toBe("mic-a");
  });

  it("maps Chromium's default alias to the real device of its group", () => {
    expect(resolveDeviceId("default", listed, all)).toBe("mic-b");
  });
});

describe("levelOf", () => {
  it("is zero for silence and grows with the signal", () => {
    expect(levelOf(new Uint8Array(64).fill(128))).toBe(0);
    const quiet = levelOf(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 133 : 123)));
    const loud = levelOf(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 178 : 78)));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(loud).toBeLessThanOrEqual(1);
  });
});
