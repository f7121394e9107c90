import type { Platform, Rules } from "../../src/shared/types";

export function platform(name: string, hosts: string[], extra: Partial<Platform> = {}): Platform {
  return {
    name,
    label: name.toUpperCase(),
    hosts,
    api: [{ operation: "Timeline", url_pattern: "^https://[^/]+/api/", methods: ["GET"] }],
    documents: [],
    actions: [],
    dom_actions: [],
    locator: null,
    viewer: null,
    any_host: false,
    ...extra,
  };
}

export const RULES: Rules = {
  version: "v1",
  platforms: [
    platform("x", ["x.com", "twitter.com"]),
    platform("bluesky", ["bsky.app", "*.bsky.app"]),
    platform("mastodon", ["mastodon.social", "example.social"], { any_host: true }),
  ],
};
