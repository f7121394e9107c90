import { describe, expect, it } from "vitest";
import { MAX_CAPTURES_PER_MESSAGE, isPrivileged, parseMessage } from "../../src/background/messages";
import { makeCapture } from "./helpers";

describe("parseMessage", () => {
  it("accepts the known messages", () => {
    const capture = makeCapture();
    expect(parseMessage({ type: "get-rules", extra: 1 })).toEqual({ type: "get-rules" });
    expect(parseMessage({ type: "captures", captures: [capture] })).toEqual({ type: "captures", captures: [capture] });
    expect(parseMessage({ type: "get-overlays", platform: "x", post_ids: ["1"] })).toEqual({ type: "get-overlays", platform: "x", post_ids: ["1"] });
    expect(parseMessage({ type: "pair", server: "127.0.0.1:7717", code: "ABCD-EFGH" })?.type).toBe("pair");
    expect(parseMessage({ type: "open-dashboard", url: "https://evil.example" })).toEqual({ type: "open-dashboard" });
    const viewer = makeCapture({ kind: "viewer", body: { handle: "ana" } });
    expect(parseMessage({ type: "captures", captures: [viewer] })).toEqual({ type: "captures", captures: [viewer] });
  });

  it("refuses malformed or unknown messages", () => {
    expect(parseMessage("get-rules")).toBeNull();
    expect(parseMessage({ type: "nope" })).toBeNull();
    expect(parseMessage({ type: "captures", captures: [{ ...makeCapture(), kind: "evil" }] })).toBeNull();
    expect(parseMessage({ type: "captures", captures: [{ ...makeCapture(), id: "" }] })).toBeNull();
    const { body: _body, ...bodiless } = makeCapture();
    expect(parseMessage({ type: "captures", captures: [bodiless] })).toBeNull();
    const tooMany = Array.from({ length: MAX_CAPTURES_PER_MESSAGE + 1 }, () => makeCapture());
    expect(parseMessage({ type: "captures", captures: tooMany })).toBeNull();
    expect(parseMessage({ type: "get-overlays", platform: "x", post_ids: [1] })).toBeNull();
  });

  it("marks settings, pairing and dashboard logins as privileged", () => {
    expect(isPrivileged({ type: "pair", server: "", code: "" })).toBe(true);
    expect(isPrivileged({ type: "set-settings", settings: {} })).toBe(true);
    expect(isPrivileged({ type: "open-dashboard" })).toBe(true);
    expect(isPrivileged({ type: "captures", captures: [] })).toBe(false);
  });
});
