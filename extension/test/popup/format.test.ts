import { describe, expect, it } from "vitest";
import { canOpenDashboard, connectionStatus, formatWhen, apiReferenceUrl } from "../../src/popup/format";
import type { ExtensionState } from "../../src/shared/types";

const state: ExtensionState = {
  server: "http://127.0.0.1:7717",
  paired: true,
  connected: true,
  lastError: null,
  queueSize: 0,
  queueLimit: 5_000,
  lastCaptureAt: null,
  lastSentAt: null,
  paused: false,
  platforms: [],
  dropped: 0,
  rejected: 0,
  lastRejection: null,
  needsPermission: [],
};

describe("popup texts", () => {
  it("names the connection state", () => {
    expect(connectionStatus(state).text).toBe("Connected");
    expect(connectionStatus({ ...state, paused: true }).text).toBe("Connected · paused");
    expect(connectionStatus({ ...state, connected: false }).text).toBe("Server unreachable");
    expect(connectionStatus({ ...state, paired: false, connected: false }).text).toBe("Not paired");
  });

  it("says when something happened", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(formatWhen(null, now)).toBe("never");
    expect(formatWhen("2026-11-25T09:59:50Z", now)).toBe("just now");
    expect(formatWhen("2026-11-25T09:55:00Z", now)).toBe("5 min ago");
    expect(formatWhen("2026-11-25T07:00:00Z", now)).toBe("3 h ago");
  });

  it("offers the dashboard only while paired and connected", () => {
    expect(canOpenDashboard(state)).toBe(true);
    expect(canOpenDashboard({ ...state, connected: false })).toBe(false);
    expect(canOpenDashboard({ ...state, paired: false, connected: false })).toBe(false);
  });

  it("links the server's status page", () => {
    expect(apiReferenceUrl("http://127.0.0.1:7717")).toBe("http://127.0.0.1:7717/schema");
  });
});
