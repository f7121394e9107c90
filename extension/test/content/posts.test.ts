// @vitest-environment happy-dom
// @vitest-environment-options { "url": "https://x.com/home" }
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MutationHub } from "../../src/content/mutations";
import { PostOverlays } from "../../src/content/posts";
import { NEAR_MARGIN } from "../../src/content/visibility";
import type { Capture, Overlay } from "../../src/shared/types";
import { FakeIntersectionObserver, badgeButton, fixture, platformNamed, useFakeIntersectionObserver } from "./helpers";

const HOSTILE = '<img src=x onerror="window.pwned=1">';

function overlay(postId: string, fields: Partial<Overlay> = {}): Overlay {
  return {
    platform: "x",
    post_id: postId,
    known: true,
    badges: [
      { text: "seen 3×", title: "You saw this post 3 times", tone: "info" },
      { text: "author follows you", title: null, tone: "good" },
    ],
    sections: [],
    errors: [],
    ...fields,
  };
}

let requests: string[][];
let answer: (postIds: string[]) => Overlay[] | null;
let sent: Capture[];

/** Wired as page.ts wires it. Captures and requests go to this test's `sent` and `requests` only (earlier tests' trackers live on). */
function start(): PostOverlays {
  const mine: Capture[] = (sent = []);
  const myRequests: string[][] = (requests = []);
  const posts = PostOverlays.for(platformNamed("x"), {
    fetchOverlays: async (postIds) => {
      myRequests.push(postIds);
      return answer(postIds);
    },
    send: (capture) => mine.push(capture),
  });
  if (!posts) throw new Error("x has a locator");
  new MutationHub().subscribe(() => posts.scan());
  posts.scan();
  return posts;
}

function tweets(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('article[data-testid="tweet"]')];
}

function hostIn(post: Element): HTMLElement | null {
  return post.querySelector("[data-seenby-post-id]");
}

/** Lets the debounce timer run, the mocked request settle and the next frame draw. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(40);
}

/** Lets 50 ms of timers run (badges themselves are written in the observers' callbacks). */
function frame(): void {
  vi.advanceTimersByTime(50);
}

beforeEach(() => {
  vi.useFakeTimers();
  useFakeIntersectionObserver();
  document.body.innerHTML = fixture("x-timeline.html");
  requests = [];
  sent = [];
  answer = (postIds) => postIds.map((id) => overlay(id));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("badges", () => {
  it("work only on visible posts: placeholder at once, then the overlay", async () => {
    start();
    const [first, second, third] = tweets();
    expect(new Set(FakeIntersectionObserver.observedTargets()).size).toBe(3);
    expect(document.querySelector("[data-seenby-post-id]")).toBeNull();

    // Written in the observer's callback (no layout is read; the browser draws it in its next frame).
    FakeIntersectionObserver.show([first!, second!], 0.2);
    const placeholder = badgeButton(hostIn(first!));
    expect(placeholder.textContent).toBe("Seenby …");
    expect(placeholder.getAttribute("aria-busy")).toBe("true");
    expect(hostIn(first!)?.parentElement?.matches('[data-testid="User-Name"]')).toBe(true);
    expect(hostIn(third!)).toBeNull();

    await settle();
    expect(requests).toEqual([["2088190455821312341", "2088011372640092160"]]);
    const filled = badgeButton(hostIn(first!));
    expect(filled.textContent).toBe("seen 3× · author follows you");
    expect(filled.getAttribute("data-tone")).toBe("info");
    expect(filled.getAttribute("aria-busy")).toBeNull();
    expect(filled.getAttribute("aria-label")).toBe("Seenby: You saw this post 3 times; author follows you");
  });

  it("badges a post the site adds before the browser draws it; asks for its overlay when it comes near", async () => {
    const third = tweets()[2]!;
    const timeline = third.parentElement!;
    third.remove();
    // Wired as page.ts wires it: scans get what the site added; our own writes are taken at once.
    const hub = new MutationHub();
    const posts = PostOverlays.for(platformNamed("x"), {
      fetchOverlays: async (postIds) => {
        requests.push(postIds);
        return answer(postIds);
      },
      send: (capture) => sent.push(capture),
      placed: () => hub.takeRecords(),
    })!;
    hub.subscribe((added) => posts.scan(added));
    posts.scan();

    timeline.append(third); // the site renders a post
    await Promise.resolve(); // the mutation observer's callback: before the frame that draws the post
    const placeholder = badgeButton(hostIn(third));
    expect(placeholder.textContent).toBe("Seenby …");
    expect(third.querySelectorAll("[data-seenby-post-id]")).toHaveLength(1);

    await settle();
    expect(requests).toEqual([]); // far from the viewport: nothing asked for yet

    FakeIntersectionObserver.show([third], 0.2);
    expect(hostIn(third)?.shadowRoot?.querySelector("button")).toBe(placeholder); // the same badge, not a new one
    await settle();
    expect(requests).toEqual([["2087950311422902272"]]);
    expect(badgeButton(hostIn(third)).textContent).toBe("seen 3× · author follows you");
  });

  it("says 'no data yet' for unknown posts and 'offline' when the background has no answer", async () => {
    answer = (postIds) => (postIds.includes("2088190455821312341") ? null : postIds.map((id) => overlay(id, { known: false })));
    start();
    const [first, second] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    await settle();
    FakeIntersectionObserver.show([second!], 1);
    await settle();
    expect(badgeButton(hostIn(first!)).textContent).toBe("Seenby offline");
    expect(badgeButton(hostIn(second!)).textContent).toBe("no data yet");
  });

  it("never inserts twice, and survives the site re-rendering a post from the cache", async () => {
    start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    await settle();
    FakeIntersectionObserver.show([first!], 0.6);
    FakeIntersectionObserver.show([first!], 1);
    expect(first!.querySelectorAll("[data-seenby-post-id]")).toHaveLength(1);

    // The site replaces the node with a copy (which carries a dead copy of our host).
    const copy = first!.cloneNode(true) as HTMLElement;
    first!.replaceWith(copy);
    await vi.advanceTimersByTimeAsync(60); // the mutation rescan (in the observer's callback)
    FakeIntersectionObserver.show([copy], 1);
    frame();
    const hosts = copy.querySelectorAll("[data-seenby-post-id]");
    expect(hosts).toHaveLength(1);
    expect(badgeButton(hosts[0]).textContent).toBe("seen 3× · author follows you");
    await settle();
    expect(requests).toEqual([["2088190455821312341"]]);

    // The site drops our host from a post still in view: the next rescan puts it back.
    hosts[0]!.remove();
    document.body.append(document.createElement("div"));
    await vi.advanceTimersByTimeAsync(60);
    expect(copy.querySelectorAll("[data-seenby-post-id]")).toHaveLength(1);
  });

  it("accepts overlays pushed by the background for its platform only", async () => {
    const posts = start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    await settle();
    posts.acceptPushed([overlay("2088190455821312341", { badges: [{ text: "new", title: null, tone: "warn" }] })]);
    await settle(); // drawn at the next frame
    expect(badgeButton(hostIn(first!)).textContent).toBe("new");
    posts.acceptPushed([{ ...overlay("2088190455821312341"), platform: "bluesky" }]);
    await settle();
    expect(badgeButton(hostIn(first!)).textContent).toBe("new");
  });

  it("draws overlays as they arrive, the newest last, and writes nothing when nothing changed", async () => {
    const posts = start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    await settle();
    const button = badgeButton(hostIn(first!));
    posts.acceptPushed([overlay("2088190455821312341", { badges: [{ text: "older", title: null, tone: "info" }] })]);
    expect(button.textContent).toBe("older");
    posts.acceptPushed([overlay("2088190455821312341", { badges: [{ text: "newer", title: null, tone: "info" }] })]);
    expect(button.textContent).toBe("newer");
    const writes = vi.spyOn(Element.prototype, "setAttribute");
    posts.acceptPushed([overlay("2088190455821312341", { badges: [{ text: "newer", title: null, tone: "info" }] })]);
    expect(writes).not.toHaveBeenCalled();
    writes.mockRestore();
  });

  it("adds a badge's event listeners only when its first event comes", async () => {
    start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    await settle();
    const root = hostIn(first!)?.shadowRoot as ShadowRoot;
    const added = vi.spyOn(root, "addEventListener");
    const siteClicks = vi.fn();
    first!.addEventListener("click", siteClicks);
    badgeButton(hostIn(first!)).click();
    expect(added).toHaveBeenCalled(); // during the click, which then reached them
    expect(root.querySelector(".panel")).not.toBeNull();
    expect(siteClicks).not.toHaveBeenCalled();
    added.mockRestore();
  });

  it("fills a 'no data yet' badge once a push says the page's captures were ingested", async () => {
    answer = (postIds) => postIds.map((id) => overlay(id, { known: false }));
    const posts = start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    await settle();
    expect(badgeButton(hostIn(first!)).textContent).toBe("no data yet");
    answer = (postIds) => postIds.map((id) => overlay(id));
    posts.acceptPushed([overlay("some-canonical-id")]); // keyed by another id than the page shows
    await settle();
    expect(requests).toEqual([["2088190455821312341"], ["2088190455821312341"]]);
    expect(badgeButton(hostIn(first!)).textContent).toBe("seen 3× · author follows you");
  });

  it("prepares badges for posts near the viewport, times impressions on what is really visible", () => {
    start();
    const [near, exact] = FakeIntersectionObserver.instances;
    expect(near?.options.rootMargin).toBe(NEAR_MARGIN);
    expect(exact?.options.rootMargin).toBeUndefined();
    expect(exact?.options.threshold).toBe(0.5);
  });

  it("watches only posts near the viewport for impressions (the browser computes every observed post each frame)", () => {
    start();
    const [near, exact] = FakeIntersectionObserver.instances;
    const [first, second] = tweets();
    expect(near?.targets.size).toBe(tweets().length);
    expect(exact?.targets.size).toBe(0);
    FakeIntersectionObserver.show([first!], 1);
    expect([...exact!.targets]).toEqual([first]);
    vi.advanceTimersByTime(1000);
    FakeIntersectionObserver.show([first!, second!], 0); // far away now: not visible either
    expect(exact?.targets.size).toBe(0);
    vi.advanceTimersByTime(500);
    expect(sent.map((capture) => (capture.body as { post_id: string }).post_id)).toEqual(["2088190455821312341"]);
  });

  it("forgets the badges of posts the site removed (a site that virtualises its feed drops thousands)", async () => {
    const hub = new MutationHub(); // wired as page.ts wires it: scans get what the site added
    const posts = PostOverlays.for(platformNamed("x"), { fetchOverlays: async () => null, send: () => {}, placed: () => hub.takeRecords() })!;
    hub.subscribe((added) => posts.scan(added));
    posts.scan();
    const feedOf = (from: number, count: number): HTMLElement[] =>
      Array.from({ length: count }, (_, index) => {
        const post = document.createElement("article");
        post.setAttribute("data-testid", "tweet");
        post.innerHTML = `<div data-testid="User-Name"><a href="/someone/status/${9000 + from + index}"><time>now</time></a></div>`;
        return post;
      });
    const first = feedOf(0, 250);
    document.body.append(...first);
    await vi.advanceTimersByTimeAsync(60); // badged in the mutation observer's callback
    expect(first.every((post) => hostIn(post) !== null)).toBe(true);
    for (const post of first) post.remove(); // scrolled far away: the site drops them
    document.body.append(...feedOf(250, 200));
    await vi.advanceTimersByTimeAsync(60);
    expect(posts.listedBadges).toBe(200); // the posts in the page, not the 250 it dropped
  });

  it("renders hostile text as text", async () => {
    answer = (postIds) =>
      postIds.map((id) =>
        overlay(id, {
          badges: [{ text: HOSTILE, title: HOSTILE, tone: "neutral" }],
          sections: [
            { title: HOSTILE, kind: "text", text: HOSTILE, items: [], values: [], suggestions: [] },
            { title: "list", kind: "list", text: null, items: [HOSTILE], values: [], suggestions: [] },
            { title: "drafts", kind: "suggestions", text: null, items: [], values: [], suggestions: [{ text: HOSTILE, reason: HOSTILE }] },
          ],
        }),
      );
    start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    await settle();
    const button = badgeButton(hostIn(first!));
    expect(button.textContent).toBe(HOSTILE);
    button.click();
    const root = hostIn(first!)?.shadowRoot as ShadowRoot;
    expect(root.querySelector("img")).toBeNull();
    expect(root.querySelector("h3")?.textContent).toBe(HOSTILE);
    expect(root.querySelector("li")?.textContent).toBe(HOSTILE);
    expect(root.querySelector(".draft")?.textContent).toBe(HOSTILE);
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });
});

describe("panel", () => {
  async function openablePost(sections: Overlay["sections"]): Promise<{ root: ShadowRoot; button: HTMLButtonElement }> {
    answer = (postIds) => postIds.map((id) => overlay(id, { sections }));
    start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    await settle();
    const host = hostIn(first!) as HTMLElement;
    return { root: host.shadowRoot as ShadowRoot, button: badgeButton(host) };
  }

  function key(target: Element, name: string): void {
    target.dispatchEvent(new KeyboardEvent("keydown", { key: name, bubbles: true, composed: true, cancelable: true }));
  }

  it("toggles with Enter and Space, closes with Escape and returns focus", async () => {
    const { root, button } = await openablePost([
      { title: "Notes", kind: "text", text: "hello", items: [], values: [], suggestions: [] },
    ]);
    const panel = (): HTMLElement | null => root.querySelector(".panel");
    expect(panel()).toBeNull(); // built on first open only
    key(button, "Enter");
    expect(panel()?.hidden).toBe(false);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(root.activeElement?.getAttribute("aria-label")).toBe("Close");
    expect(panel()?.textContent).toContain("hello");
    key(root.activeElement as Element, "Escape");
    expect(panel()?.hidden).toBe(true);
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(root.activeElement).toBe(button);
    key(button, " ");
    expect(panel()?.hidden).toBe(false);
    key(button, " ");
    expect(panel()?.hidden).toBe(true);
  });

  it("keeps its events from the site", async () => {
    const { button } = await openablePost([]);
    const siteClicks = vi.fn();
    tweets()[0]!.addEventListener("click", siteClicks);
    button.click();
    expect(siteClicks).not.toHaveBeenCalled();
  });

  it("draws a sparkline from numbers only", async () => {
    const { root, button } = await openablePost([
      { title: "Views", kind: "sparkline", text: null, items: [], values: [1, 5, 3], suggestions: [] },
    ]);
    button.click();
    const line = root.querySelector("svg polyline");
    expect(line?.getAttribute("points")).toBe("0.00,30.00 50.00,2.00 100.00,16.00");
    expect(root.querySelector("svg")?.getAttribute("aria-label")).toBe("3 values from 1 to 5");
  });

  it("copies a suggestion and inserts it into the reply box", async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    const { root, button } = await openablePost([
      { title: "Replies", kind: "suggestions", text: null, items: [], values: [], suggestions: [{ text: "Nice one", reason: "friendly" }] },
    ]);
    button.click();
    const [copy, insert] = [...root.querySelectorAll<HTMLButtonElement>(".suggestion button")];
    copy!.click();
    await vi.advanceTimersByTimeAsync(0);
    expect(writeText).toHaveBeenCalledWith("Nice one");
    expect(root.querySelector(".status")?.textContent).toBe("Copied.");
    const box = document.querySelector('[data-testid="tweetTextarea_0"]') as HTMLElement;
    const inputs = vi.fn();
    box.addEventListener("input", inputs);
    insert!.click();
    expect(box.textContent).toBe("Nice one");
    expect(inputs).toHaveBeenCalled();
    expect(root.querySelector(".status")?.textContent).toBe("Inserted.");
  });
});

describe("theme", () => {
  /** Idle callbacks, run when a test says the page is idle. */
  let idle: (() => void)[] = [];
  const runIdle = (): void => {
    for (const work of idle.splice(0)) work();
  };
  beforeEach(() => {
    idle = [];
    vi.stubGlobal("requestIdleCallback", (work: () => void) => idle.push(work));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("switches the badges to dark styles on a dark site once the page is idle", () => {
    document.body.style.backgroundColor = "rgb(0, 0, 0)";
    start();
    const [first, second] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    frame();
    expect(hostIn(first!)?.getAttribute("data-theme")).toBe("light"); // the system's scheme until then
    runIdle();
    expect(hostIn(first!)?.getAttribute("data-theme")).toBe("dark");
    FakeIntersectionObserver.show([second!], 1);
    frame();
    expect(hostIn(second!)?.getAttribute("data-theme")).toBe("dark");
    document.body.style.backgroundColor = "";
  });

  it("reads the page's colours once, at idle time, not while placing badges (a style read can force a style recalculation)", () => {
    const styleReads = vi.spyOn(window, "getComputedStyle");
    start();
    const [first, second] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    frame();
    expect(hostIn(first!)).not.toBeNull();
    expect(styleReads).not.toHaveBeenCalled();
    runIdle();
    const reads = styleReads.mock.calls.length;
    expect(reads).toBeGreaterThan(0);
    FakeIntersectionObserver.show([second!], 1);
    runIdle();
    expect(styleReads.mock.calls.length).toBe(reads);
    styleReads.mockRestore();
  });

  it("stays light on a light or transparent page", () => {
    start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    frame();
    runIdle();
    expect(hostIn(first!)?.getAttribute("data-theme")).toBe("light");
  });
});

describe("impressions", () => {
  it("records a post half visible for at least 900 ms when it leaves (the capture is made at idle time)", () => {
    start();
    const [first, second] = tweets();
    FakeIntersectionObserver.show([first!, second!], 0.6);
    vi.advanceTimersByTime(500);
    FakeIntersectionObserver.show([second!], 0.3); // 500 ms: too short
    vi.advanceTimersByTime(700);
    FakeIntersectionObserver.show([first!], 0);
    expect(sent).toHaveLength(0); // not while the page scrolls
    vi.advanceTimersByTime(500); // idle (requestIdleCallback's timeout, at the latest)
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: "impression", platform: "x", url: "https://x.com/home", status: 0 });
    const body = sent[0]?.body as { post_id: string; dwell_ms: number; seen_at: string };
    expect(body.post_id).toBe("2088190455821312341");
    expect(body.dwell_ms).toBeGreaterThanOrEqual(1200);
    expect(Number.isInteger(body.dwell_ms)).toBe(true);
    expect(Date.parse(body.seen_at)).not.toBeNaN();
  });

  it("ends dwell time when the page is hidden", () => {
    start();
    const [first] = tweets();
    FakeIntersectionObserver.show([first!], 1);
    vi.advanceTimersByTime(1000);
    window.dispatchEvent(new Event("pagehide"));
    expect(sent.map((capture) => (capture.body as { post_id: string }).post_id)).toEqual(["2088190455821312341"]);
  });
});
