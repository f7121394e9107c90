// @vitest-environment happy-dom
// The locator rules the server serves, applied to markup as each site renders it,
// give the same post ids as the Python parsers (ids from their fixtures: see
// tests/plugins/test_*_declaration.py and the comments in each fixture file).
import { afterEach, describe, expect, it } from "vitest";
import { extractPostId } from "../../src/shared/rules";
import type { DomLocator } from "../../src/shared/types";
import { fixture, platformNamed } from "./helpers";

function locatedIds(platform: string, markup: string, host: string): (string | null)[] {
  document.body.innerHTML = markup;
  const locator = platformNamed(platform).locator as DomLocator;
  return [...document.querySelectorAll(locator.post_selector)].map((post) => extractPostId(post, locator, host));
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("locator ids equal the parsers' post ids", () => {
  it("X: the status link around <time>, not a quoted post's link", () => {
    // parse of tests/fixtures/x/HomeTimeline.synthetic.json: posts 1–3
    expect(locatedIds("x", fixture("x-timeline.html"), "x.com")).toEqual([
      "2088190455821312341",
      "2088011372640092160",
      "2087950311422902272",
    ]);
  });

  it("Mastodon: data-id prefixed with the instance host (a boost gives the original)", () => {
    // parse of tests/fixtures/mastodon/synthetic_home_boost_quote.json
    expect(locatedIds("mastodon", fixture("mastodon-home.html"), "mastodon.social")).toEqual([
      "mastodon.social:113514400012345678",
      "mastodon.social:113515800011122233",
    ]);
  });

  it("Bluesky: the record key of the permalink (the parser's AT-URI ends with it)", () => {
    // parse of tests/fixtures/bluesky/synthetic_getTimeline.json:
    // at://did:plc:4qxyb7mfv2gs3jq6vl5tzr2k/app.bsky.feed.post/3lbq5cfw7xs2k …
    expect(locatedIds("bluesky", fixture("bluesky-feed.html"), "bsky.app")).toEqual([
      "3lbq5cfw7xs2k",
      "3lbq4tjz2dk2p",
      "3lbq2hx7skc2v",
    ]);
  });

  it("Reddit: shreddit-post's fullname; a post without one gets no id", () => {
    // parse of tests/fixtures/reddit/synthetic_shreddit_subreddit_page.html
    expect(locatedIds("reddit", fixture("reddit-subreddit.html"), "www.reddit.com")).toEqual([
      "t3_1skq2vd",
      "t3_1skm4tq",
      null,
    ]);
  });

  it("Hacker News: the story row's id", () => {
    // parse of tests/fixtures/hackernews/easyhn_news.html: stories 1 and 2
    expect(locatedIds("hackernews", fixture("hackernews-news.html"), "news.ycombinator.com")).toEqual([
      "48350598",
      "48345840",
    ]);
  });
});

describe("anchors", () => {
  it.each([
    ["x", "x-timeline.html"],
    ["mastodon", "mastodon-home.html"],
    ["bluesky", "bluesky-feed.html"],
    ["reddit", "reddit-subreddit.html"],
    ["hackernews", "hackernews-news.html"],
  ])("%s: every located post with an id has its anchor", (name, file) => {
    document.body.innerHTML = fixture(file);
    const locator = platformNamed(name).locator as DomLocator;
    for (const post of document.querySelectorAll(locator.post_selector)) {
      if (extractPostId(post, locator, "host") === null) continue;
      expect(locator.anchor_selector && post.querySelector(locator.anchor_selector)).toBeTruthy();
    }
  });
});
