// @vitest-environment happy-dom
// Where badges go: never inside a site's controls (a badge in the like button takes
// its clicks and nests a button in a button).
import { afterEach, describe, expect, it } from "vitest";
import { INTERACTIVE, placeBadge } from "../../src/content/placement";
import type { DomLocator } from "../../src/shared/types";
import { fixture, platformNamed } from "./helpers";

function host(): HTMLElement {
  return document.createElement("seenby-badge");
}

function post(markup: string): HTMLElement {
  document.body.innerHTML = `<article>${markup}</article>`;
  return document.querySelector("article") as HTMLElement;
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("placeBadge", () => {
  it("appends inside an anchor that is no control", () => {
    const article = post('<div class="name"><a href="/a">A</a></div>');
    const badge = host();
    placeBadge(badge, article, ".name");
    expect(badge.parentElement?.className).toBe("name");
    expect(badge.previousElementSibling?.tagName).toBe("A");
  });

  it.each([
    ["a button", '<button class="like">♥</button>'],
    ["a link", '<a class="like" href="/like">♥</a>'],
    ['a [role="button"]', '<div class="like" role="button">♥</div>'],
    ["a label", '<label class="like">♥</label>'],
    ["a summary", '<details><summary class="like">♥</summary></details>'],
    ["an editable region", '<div class="like" contenteditable="true">♥</div>'],
  ])("goes right after %s, never inside it", (_, markup) => {
    const article = post(markup);
    const badge = host();
    placeBadge(badge, article, ".like");
    const control = article.querySelector(".like") as Element;
    expect(control.contains(badge)).toBe(false);
    expect(control.nextElementSibling).toBe(badge);
    expect(badge.parentElement?.closest(INTERACTIVE)).toBeNull();
  });

  it("goes after the outermost control around the anchor", () => {
    const article = post('<a class="card" href="/p"><span><span class="count">3</span></span></a>');
    const badge = host();
    placeBadge(badge, article, ".count");
    expect(article.querySelector(".card")?.nextElementSibling).toBe(badge);
  });

  it("takes a slotted control's slot, so it shows where the control shows", () => {
    const article = post('<a slot="title" href="/r/x">Title</a>');
    const badge = host();
    placeBadge(badge, article, "a[slot='title']");
    expect(badge.getAttribute("slot")).toBe("title");
    expect(badge.previousElementSibling?.getAttribute("slot")).toBe("title");
  });

  it("falls back to the post's end (no anchor, or an anchor it cannot parse)", () => {
    const article = post("<p>text</p>");
    const badge = host();
    placeBadge(badge, article, ".missing");
    expect(article.lastElementChild).toBe(badge);
    placeBadge(badge, article, "::not-a-selector(");
    expect(article.lastElementChild).toBe(badge);
  });
});

describe("on the sites' markup", () => {
  function firstPostAndAnchor(platform: string, page: string): { post: Element; anchor: Element; locator: DomLocator } {
    document.body.innerHTML = fixture(page);
    const locator = platformNamed(platform).locator as DomLocator;
    const first = document.querySelector(locator.post_selector) as Element;
    return { post: first, anchor: first.querySelector(locator.anchor_selector as string) as Element, locator };
  }

  it("Bluesky: after the like button, not inside it", () => {
    const { post: first, anchor, locator } = firstPostAndAnchor("bluesky", "bluesky-feed.html");
    expect(anchor.matches('[data-testid="likeBtn"]')).toBe(true);
    const badge = host();
    placeBadge(badge, first, locator.anchor_selector);
    expect(anchor.contains(badge)).toBe(false);
    expect(anchor.nextElementSibling).toBe(badge);
  });

  it("Reddit: after the title link, in its slot", () => {
    const { post: first, anchor, locator } = firstPostAndAnchor("reddit", "reddit-subreddit.html");
    const badge = host();
    placeBadge(badge, first, locator.anchor_selector);
    expect(anchor.contains(badge)).toBe(false);
    expect(anchor.nextElementSibling).toBe(badge);
    expect(badge.getAttribute("slot")).toBe("title");
  });

  it("X and Hacker News: inside the author line and the title line, which are no controls", () => {
    for (const [platform, page] of [["x", "x-timeline.html"], ["hackernews", "hackernews-news.html"]] as const) {
      const { post: first, anchor, locator } = firstPostAndAnchor(platform, page);
      const badge = host();
      placeBadge(badge, first, locator.anchor_selector);
      expect(badge.parentElement).toBe(anchor);
    }
  });
});
