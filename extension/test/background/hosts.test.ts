import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  dynamicScriptMatches,
  hostToMatchPattern,
  hostsNeedingPermission,
  isCovered,
  platformMatchPatterns,
} from "../../src/background/hosts";
import { RULES } from "./fixtures";

describe("host match patterns", () => {
  it("derives one https pattern per rule host, wildcards kept", () => {
    expect(hostToMatchPattern("x.com")).toBe("https://x.com/*");
    expect(hostToMatchPattern("*.bsky.app")).toBe("https://*.bsky.app/*");
    expect(hostToMatchPattern("Mastodon.Social")).toBe("https://mastodon.social/*");
    expect(hostToMatchPattern("evil.com/*")).toBeNull();
    expect(hostToMatchPattern("a.*.com")).toBeNull();
    expect(platformMatchPatterns(RULES.platforms)).toEqual([
      "https://x.com/*",
      "https://twitter.com/*",
      "https://bsky.app/*",
      "https://*.bsky.app/*",
      "https://mastodon.social/*",
      "https://example.social/*",
    ]);
  });

  it("hosts.json holds only derived https patterns", () => {
    const hosts = JSON.parse(readFileSync(new URL("../../hosts.json", import.meta.url), "utf8")) as string[];
    expect(hosts.length).toBeGreaterThan(0);
    for (const pattern of hosts) {
      const host = /^https:\/\/(.+)\/\*$/.exec(pattern)?.[1] ?? "";
      expect(hostToMatchPattern(host)).toBe(pattern);
    }
    expect(new Set(hosts).size).toBe(hosts.length);
  });

  it("knows which patterns cover a host", () => {
    expect(isCovered("x.com", ["https://x.com/*"])).toBe(true);
    expect(isCovered("api.bsky.app", ["https://*.bsky.app/*"])).toBe(true);
    expect(isCovered("bsky.app", ["https://*.bsky.app/*"])).toBe(true);
    expect(isCovered("*.bsky.app", ["https://*.bsky.app/*"])).toBe(true);
    expect(isCovered("notbsky.app", ["https://*.bsky.app/*"])).toBe(false);
    expect(isCovered("x.com", ["http://x.com/*"])).toBe(false);
    expect(isCovered("x.com", ["https://*/*"])).toBe(true);
  });

  it("lists the rule hosts the extension still needs permission for", () => {
    const needed = hostsNeedingPermission(RULES.platforms, ["https://x.com/*", "https://twitter.com/*", "https://*.bsky.app/*", "https://mastodon.social/*"], []);
    expect(needed).toEqual([{ platform: "mastodon", label: "MASTODON", host: "example.social", origin: "https://example.social/*" }]);
    expect(hostsNeedingPermission(RULES.platforms.slice(2), ["https://mastodon.social/*"], ["https://example.social/*"])).toEqual([]);
  });

  it("registers dynamic scripts only for origins granted beyond the manifest", () => {
    const manifest = ["https://x.com/*", "http://127.0.0.1/*", "http://localhost/*"];
    const granted = [...manifest, "https://example.social/*", "https://example.social/*", "http://localhost:7717/*"];
    expect(dynamicScriptMatches(granted, manifest)).toEqual(["https://example.social/*"]);
  });
});
