import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, SettingsStore, normalizeServer, settingsFrom, validatePatch } from "../../src/background/settings";
import { MemoryStore } from "./helpers";

describe("settings", () => {
  it("accepts loopback server addresses only, as an origin", () => {
    expect(normalizeServer("127.0.0.1:7717")).toEqual({ ok: true, server: "http://127.0.0.1:7717" });
    expect(normalizeServer(" http://localhost:7790/schema ")).toEqual({ ok: true, server: "http://localhost:7790" });
    expect(normalizeServer("http://[::1]:7717")).toEqual({ ok: true, server: "http://[::1]:7717" });
    expect(normalizeServer("http://example.com:7717").ok).toBe(false);
    expect(normalizeServer("https://127.0.0.1:7717").ok).toBe(false);
    expect(normalizeServer("").ok).toBe(false);
    expect(normalizeServer("http://user:pw@127.0.0.1:1").ok).toBe(false);
  });

  it("falls back to defaults for missing or malformed stored values", () => {
    expect(settingsFrom({})).toEqual(DEFAULT_SETTINGS);
    expect(settingsFrom({ server: "http://evil.example", token: 5, paused: "yes", disabledPlatforms: [1] })).toEqual(DEFAULT_SETTINGS);
    expect(settingsFrom({ server: "http://localhost:1", token: "t", paused: true, disabledPlatforms: ["x", "x"] })).toEqual({
      server: "http://localhost:1",
      token: "t",
      paused: true,
      disabledPlatforms: ["x"],
    });
  });

  it("validates patches and forgets the token when the server changes", () => {
    const current = { ...DEFAULT_SETTINGS, token: "t" };
    expect(validatePatch(current, { paused: true })).toEqual({ ok: true, patch: { paused: true } });
    expect(validatePatch(current, { server: "localhost:9" })).toEqual({ ok: true, patch: { server: "http://localhost:9", token: null } });
    expect(validatePatch(current, { server: current.server })).toEqual({ ok: true, patch: {} });
    expect(validatePatch(current, { paused: "no" }).ok).toBe(false);
    expect(validatePatch(current, { disabledPlatforms: "x" }).ok).toBe(false);
    expect(validatePatch(current, { token: "stolen" })).toEqual({ ok: true, patch: {} });
  });

  it("persists through the store", async () => {
    const store = new MemoryStore();
    await new SettingsStore(store).update({ paused: true, token: "sby_1" });
    expect(await new SettingsStore(store).get()).toMatchObject({ paused: true, token: "sby_1", server: DEFAULT_SETTINGS.server });
  });
});
