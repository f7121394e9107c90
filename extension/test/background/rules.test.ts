import { describe, expect, it } from "vitest";
import { RULES_MAX_AGE_MS, RulesCache, parseRules, rulesForContent } from "../../src/background/rules";
import { RULES, platform } from "./fixtures";
import { MemoryStore } from "./helpers";

describe("rules", () => {
  it("parses the server's rules and leaves out malformed platforms", () => {
    expect(parseRules(RULES)).toEqual(RULES);
    expect(parseRules({ version: 1, platforms: [] })).toBeNull();
    expect(parseRules(null)).toBeNull();
    const broken = { ...platform("bad", ["bad.example"]), api: [{ operation: 1 }] };
    expect(parseRules({ version: "v", platforms: [broken, RULES.platforms[0]] })?.platforms.map((p) => p.name)).toEqual(["x"]);
  });

  it("filters disabled platforms out of what content scripts get", () => {
    expect(rulesForContent(RULES, [])).toBe(RULES);
    const filtered = rulesForContent(RULES, ["x", "unknown"]);
    expect(filtered.platforms.map((p) => p.name)).toEqual(["bluesky", "mastodon"]);
    expect(filtered.version).not.toBe(RULES.version);
  });

  it("caches rules in storage and tells when the version changed", async () => {
    const store = new MemoryStore();
    const cache = new RulesCache(store);
    expect(await cache.get()).toBeNull();
    expect(await cache.isStale(0)).toBe(true);
    expect(await cache.put(RULES, 1_000)).toBe(true);
    expect(await cache.put(RULES, 2_000)).toBe(false);
    const reopened = new RulesCache(store);
    expect(await reopened.get()).toEqual(RULES);
    expect(await reopened.isStale(2_000 + RULES_MAX_AGE_MS - 1)).toBe(false);
    expect(await reopened.isStale(2_000 + RULES_MAX_AGE_MS)).toBe(true);
    expect(await reopened.put({ ...RULES, version: "v2" }, 3_000)).toBe(true);
  });
});
