// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import {
  anyHostPlatformFor,
  domActionPostId,
  extractPostId,
  findActionRule,
  findApiRule,
  hostMatches,
  platformForHost,
} from "../../src/shared/rules";
import type { DomLocator } from "../../src/shared/types";
import { RULES, platformNamed } from "./helpers";

describe("hosts and platforms", () => {
  it("matches exact hosts, and subdomains only through a wildcard", () => {
    expect(hostMatches("x.com", "x.com")).toBe(true);
    expect(hostMatches("x.com", "evilx.com")).toBe(false);
    expect(hostMatches("*.bsky.network", "morel.us-east.host.bsky.network")).toBe(true);
    expect(hostMatches("*.bsky.network", "bsky.network.evil.com")).toBe(false);
    expect(hostMatches("*.bsky.app", "bsky.app")).toBe(false);
    expect(hostMatches("X.COM", "x.com")).toBe(true);
  });

  it("picks the platform by host", () => {
    expect(platformForHost(RULES, "x.com")?.name).toBe("x");
    expect(platformForHost(RULES, "twitter.com")?.name).toBe("x");
    expect(platformForHost(RULES, "public.api.bsky.app")?.name).toBe("bluesky");
    expect(platformForHost(RULES, "news.ycombinator.com")?.name).toBe("hackernews");
    expect(platformForHost(RULES, "example.org")).toBeNull();
  });

  it("recognises an any_host platform (Mastodon) by its API calls on an unknown host", () => {
    expect(platformForHost(RULES, "social.example.org")).toBeNull();
    const home = "https://social.example.org/api/v1/timelines/home?limit=20";
    expect(anyHostPlatformFor(RULES, home, "GET", null)?.name).toBe("mastodon");
    expect(anyHostPlatformFor(RULES, "https://social.example.org/about", "GET", null)).toBeNull();
    // X is not any_host: its API on a foreign host selects nothing.
    expect(anyHostPlatformFor(RULES, "https://evil.example/i/api/graphql/abc/HomeTimeline", "GET", null)).toBeNull();
  });
});

describe("API and action rules", () => {
  const x = platformNamed("x");
  const graphql = "https://x.com/i/api/graphql/Q1MnNuM6DdwU1tlBdyG8iw/";

  it("matches API rules by URL and method, first rule wins", () => {
    expect(findApiRule(x, `${graphql}HomeTimeline?variables=%7B%7D`, "GET")?.operation).toBe("HomeTimeline");
    expect(findApiRule(x, `${graphql}HomeLatestTimeline`, "POST")?.operation).toBe("HomeLatestTimeline");
    expect(findApiRule(x, `${graphql}TweetDetail?x=1`, "DELETE")).toBeNull();
    expect(findApiRule(x, "https://x.com/home", "GET")).toBeNull();
  });

  it("needs the body pattern of an action rule to match the request body", () => {
    const reply = '{"variables":{"tweet_text":"hi","reply":{"in_reply_to_tweet_id":"1"}}}';
    expect(findActionRule(x, `${graphql}CreateTweet`, "POST", reply)?.action).toBe("reply");
    expect(findActionRule(x, `${graphql}CreateTweet`, "POST", '{"variables":{"tweet_text":"hi"}}')?.action).toBe("post");
    expect(findActionRule(x, `${graphql}FavoriteTweet`, "POST", null)?.action).toBe("like");
    expect(findActionRule(x, `${graphql}FavoriteTweet`, "GET", null)).toBeNull();
    const mastodon = platformNamed("mastodon");
    const statuses = "https://mastodon.social/api/v1/statuses";
    expect(findActionRule(mastodon, statuses, "POST", "status=hi&in_reply_to_id=113512784455501234")?.action).toBe("reply");
  });
});

describe("post ids", () => {
  function post(html: string): Element {
    const holder = document.createElement("div");
    holder.innerHTML = html;
    return holder.firstElementChild as Element;
  }

  it("fills id_template with {id} and {host}", () => {
    const locator = platformNamed("mastodon").locator as DomLocator;
    const status = post('<div class="status" data-id="113512784455501234"></div>');
    expect(extractPostId(status, locator, "mastodon.social")).toBe("mastodon.social:113512784455501234");
    expect(extractPostId(status, locator, "localhost:8443")).toBe("localhost:8443:113512784455501234");
    const template: DomLocator = { ...locator, id_template: "{host}/{id}/{id}" };
    expect(extractPostId(status, template, "a.b")).toBe("a.b/113512784455501234/113512784455501234");
  });

  it("returns null when the id element, attribute or pattern does not match", () => {
    const locator = platformNamed("mastodon").locator as DomLocator;
    expect(extractPostId(post('<div class="status" data-id="abc"></div>'), locator, "h")).toBeNull();
    expect(extractPostId(post('<div class="status"></div>'), locator, "h")).toBeNull();
    const x = platformNamed("x").locator as DomLocator;
    expect(extractPostId(post("<article><a href='/a/status/1'>no time</a></article>"), x, "x.com")).toBeNull();
    expect(extractPostId(post("<article></article>"), { ...x, id_selector: "a[" }, "x.com")).toBeNull();
  });

  it("reads DOM action ids from the attribute, or from href", () => {
    const [upvote, , , favorite, , reply] = platformNamed("hackernews").dom_actions;
    expect(domActionPostId(post("<a id='up_48350598' href='vote?id=48350598'></a>"), upvote!)).toBe("48350598");
    expect(domActionPostId(post("<a href='fave?id=48360123&auth=x'></a>"), favorite!)).toBe("48360123");
    expect(domActionPostId(post("<input type='submit'>"), reply!)).toBeNull();
  });
});
