import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { Background, type BrowserPort } from "../../src/background/app";
import { CaptureQueue } from "../../src/background/queue";
import type { ActionResult, DashboardResult, ExtensionState, Rules, ToContent } from "../../src/shared/types";
import { RULES } from "./fixtures";
import { FakeServer, ManualTimers, MemoryStore, makeCapture } from "./helpers";

/** The login link the fake server hands out (on its own address, which the worker ignores). */
const LINK = "http://127.0.0.1:7717/dashboard/login?code=Zm9v-YmFy_0";

/** The fake server also answers pairing, rules and dashboard links. */
function withPairingAndRules(server: FakeServer, rules: Rules) {
  const base = server.fetch;
  return async (url: string, init: RequestInit): Promise<Response> => {
    const path = new URL(url).pathname;
    if (path === "/api/v1/dashboard/link" && server.mode === "up") {
      server.requests.push({ url, init });
      const authorized = (init.headers as Record<string, string>).Authorization === "Bearer sby_new";
      if (!authorized) return new Response(JSON.stringify({ error: "invalid token", status: 401 }), { status: 401 });
      return new Response(JSON.stringify({ url: LINK }), { status: 200 });
    }
    if (path === "/api/v1/pair" && server.mode !== "down") {
      server.requests.push({ url, init });
      const { code } = JSON.parse(String(init.body)) as { code: string };
      if (code !== "ABCD-EFGH") return new Response(JSON.stringify({ error: "wrong pairing code", status: 400 }), { status: 400 });
      return new Response(JSON.stringify({ token: "sby_new", token_id: "1" }), { status: 200 });
    }
    if (path === "/api/v1/rules" && server.mode === "up") return new Response(JSON.stringify(rules), { status: 200 });
    return base(url, init);
  };
}

/** A worker over `indexedDB` and `store` (a new one over the same ones: the browser restarted). */
async function setup(indexedDB = new IDBFactory(), store = new MemoryStore(), server = new FakeServer()) {
  const sent: { tabId: number | "all"; message: ToContent }[] = [];
  const tabs: string[] = [];
  const port: BrowserPort = {
    sendToTab: (tabId, message) => sent.push({ tabId, message }),
    broadcast: (message) => sent.push({ tabId: "all", message }),
    setFlushAlarm: () => undefined,
    grantedOrigins: async () => [],
    manifestHostPatterns: () => ["https://x.com/*", "https://twitter.com/*", "https://*.bsky.app/*", "https://mastodon.social/*"],
    syncDynamicHosts: async () => undefined,
    openTab: async (url) => {
      tabs.push(url);
    },
    browserName: "Chromium",
  };
  const timers = new ManualTimers();
  const app = new Background({
    store,
    queue: await CaptureQueue.open(indexedDB, "app-test"),
    fetch: withPairingAndRules(server, RULES),
    port,
    timers,
    now: () => Date.now(),
    random: () => 0.5,
  });
  return { app, server, sent, timers, store, tabs };
}

describe("Background", () => {
  it("pairs with a code, then serves rules and sends captures", async () => {
    const { app, server, sent } = await setup();
    expect(await app.handle({ type: "get-rules" }, 1)).toBeNull();
    const wrong = (await app.handle({ type: "pair", server: "127.0.0.1:7717", code: "nope" }, -1)) as ActionResult;
    expect(wrong).toEqual({ ok: false, error: "Pairing failed: wrong pairing code" });
    const paired = (await app.handle({ type: "pair", server: "127.0.0.1:7717", code: "ABCD-EFGH" }, -1)) as ActionResult;
    expect(paired.ok && paired.state).toMatchObject({ paired: true, connected: true, server: "http://127.0.0.1:7717" });
    expect(JSON.parse(String(server.requests[1]?.init.body))).toEqual({ code: "ABCD-EFGH", name: "Chromium extension" });
    expect(sent).toContainEqual({ tabId: "all", message: { type: "rules", rules: RULES } });
    expect(await app.handle({ type: "get-rules" }, 1)).toEqual(RULES);
    // The answer tells the tab its captures are on their way (a push follows their ingest).
    expect(await app.handle({ type: "captures", captures: [makeCapture()] }, 9)).toBe(true);
    await app.flusher.flush();
    expect(server.stored.size).toBe(1);
    expect(sent.some((entry) => entry.tabId === 9 && entry.message.type === "overlays")).toBe(true);
  });

  it("explains an unreachable server when pairing", async () => {
    const { app, server } = await setup();
    server.mode = "down";
    const result = (await app.handle({ type: "pair", server: "localhost:7717", code: "ABCD-EFGH" }, -1)) as ActionResult;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/Could not reach the Seenby server at http:\/\/localhost:7717/);
  });

  it("drops captures while paused or for disabled platforms, and filters their rules", async () => {
    const { app, server, sent } = await setup();
    await app.handle({ type: "pair", server: "127.0.0.1:7717", code: "ABCD-EFGH" }, -1);
    await app.handle({ type: "set-settings", settings: { disabledPlatforms: ["x"] } }, -1);
    expect(sent.at(-1)?.message.type).toBe("rules");
    const rules = (await app.handle({ type: "get-rules" }, 1)) as Rules;
    expect(rules.platforms.map((p) => p.name)).toEqual(["bluesky", "mastodon"]);
    expect(await app.handle({ type: "captures", captures: [makeCapture({ platform: "x" })] }, 1)).toBe(false);
    await app.handle({ type: "set-settings", settings: { paused: true } }, -1);
    expect(await app.handle({ type: "captures", captures: [makeCapture({ platform: "bluesky" })] }, 1)).toBe(false);
    await app.flusher.flush();
    expect(server.stored.size).toBe(0);
    const state = (await app.handle({ type: "get-state" }, -1)) as ExtensionState;
    expect(state.paused).toBe(true);
    expect(state.platforms.find((p) => p.name === "x")?.enabled).toBe(false);
    expect(state.needsPermission.map((request) => request.host)).toEqual(["example.social"]);
  });

  it("forgets a revoked token but keeps the queue", async () => {
    const { app, server } = await setup();
    await app.handle({ type: "pair", server: "127.0.0.1:7717", code: "ABCD-EFGH" }, -1);
    server.mode = "unauthorized";
    await app.handle({ type: "captures", captures: [makeCapture(), makeCapture()] }, 1);
    await app.flusher.flush();
    const state = (await app.handle({ type: "get-state" }, -1)) as ExtensionState;
    expect(state).toMatchObject({ paired: false, connected: false, queueSize: 2, lastError: "invalid token" });
    expect(await app.handle({ type: "get-overlays", platform: "x", post_ids: ["1"] }, 1)).toEqual([]);
  });

  it("sends what was queued before the browser closed when it starts again, each capture once", async () => {
    const disk = new IDBFactory();
    const settings = new MemoryStore();
    const server = new FakeServer();
    const before = await setup(disk, settings, server);
    await before.app.handle({ type: "pair", server: "127.0.0.1:7717", code: "ABCD-EFGH" }, -1);
    server.mode = "down";
    const captures = [makeCapture(), makeCapture(), makeCapture({ kind: "impression" })];
    expect(await before.app.handle({ type: "captures", captures }, 4)).toBe(true);
    await before.app.flusher.flush(); // fails: the captures stay queued
    expect(server.stored.size).toBe(0);
    before.timers.pending.clear(); // the browser closes: its timers are gone

    server.mode = "up";
    const after = await setup(disk, settings, server); // same profile, new worker
    await after.app.start(); // what the worker does whenever it starts
    expect([...server.stored.keys()].sort()).toEqual(captures.map((capture) => capture.id).sort());
    expect(server.duplicates).toBe(0);
    const state = (await after.app.handle({ type: "get-state" }, -1)) as ExtensionState;
    expect(state.queueSize).toBe(0);
  });

  it("answers overlay requests from the server", async () => {
    const { app } = await setup();
    await app.handle({ type: "pair", server: "127.0.0.1:7717", code: "ABCD-EFGH" }, -1);
    const overlays = await app.handle({ type: "get-overlays", platform: "x", post_ids: ["1", "2"] }, 1);
    expect(overlays).toHaveLength(2);
  });

  it("opens the dashboard with a login link, on the address it was paired with", async () => {
    const { app, server, tabs } = await setup();
    const unpaired = (await app.handle({ type: "open-dashboard" }, -1)) as DashboardResult;
    expect(unpaired).toEqual({ ok: false, error: "Pair the extension with your Seenby server first." });
    await app.handle({ type: "pair", server: "localhost:7717", code: "ABCD-EFGH" }, -1);
    const opened = (await app.handle({ type: "open-dashboard" }, -1)) as DashboardResult;
    expect(opened).toEqual({ ok: true, url: "http://localhost:7717/dashboard/login?code=Zm9v-YmFy_0" });
    expect(tabs).toEqual(["http://localhost:7717/dashboard/login?code=Zm9v-YmFy_0"]);
    const asked = server.requests.at(-1);
    expect(asked?.url).toBe("http://localhost:7717/api/v1/dashboard/link");
    expect(asked?.init.method).toBe("POST");
  });

  it("explains why the dashboard cannot open when the server is down", async () => {
    const { app, server, tabs } = await setup();
    await app.handle({ type: "pair", server: "127.0.0.1:7717", code: "ABCD-EFGH" }, -1);
    server.mode = "down";
    const result = (await app.handle({ type: "open-dashboard" }, -1)) as DashboardResult;
    expect(result).toEqual({
      ok: false,
      error: "Could not reach the Seenby server at http://127.0.0.1:7717. Is `seenby serve` running?",
    });
    expect(tabs).toEqual([]);
    const state = (await app.handle({ type: "get-state" }, -1)) as ExtensionState;
    expect(state.connected).toBe(false);
  });
});
