// The overlay cache: "no data yet" is asked again when it may be stale, and a late
// "unknown" never hides a known overlay.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_UNKNOWN, OverlayStore, PUSH_WAIT_MS, UNKNOWN_FRESH_MS, UNKNOWN_RETRY_MS } from "../../src/content/overlays";
import type { Overlay } from "../../src/shared/types";

const ALIAS = "dan.example.org/post/3lbq7mwnx5c2r";
const CANONICAL = "at://did:plc:r5tz7clo2mhu4sxk3bwqaj6n/app.bsky.feed.post/3lbq7mwnx5c2r";

function overlay(postId: string, known: boolean): Overlay {
  const badges = known ? [{ text: "77 likes", title: null, tone: "neutral" as const }] : [];
  return { platform: "bluesky", post_id: postId, known, badges, sections: [], errors: [] };
}

/** A background whose answers the test releases one by one. */
class FakeBackground {
  readonly requests: { postIds: string[]; answer: (overlays: Overlay[] | null) => void }[] = [];
  readonly fetch = (postIds: string[]): Promise<Overlay[] | null> =>
    new Promise((resolve) => this.requests.push({ postIds, answer: resolve }));

  async answerLast(known: boolean): Promise<void> {
    const last = this.requests.at(-1);
    if (!last) throw new Error("nothing was asked");
    last.answer(last.postIds.map((postId) => overlay(postId, known)));
    await vi.advanceTimersByTimeAsync(0);
  }
}

let background: FakeBackground;
let arrived: Overlay[];
let shownIds: Set<string>;

function store(): OverlayStore {
  return new OverlayStore("bluesky", background.fetch, {
    arrived: (overlays) => arrived.push(...overlays),
    failed: () => undefined,
    shown: (postId) => shownIds.has(postId),
  });
}

/** Lets the request debounce run. */
async function debounce(): Promise<void> {
  await vi.advanceTimersByTimeAsync(20);
}

/** The overlays that reached the badges of the post the page shows. */
function arrivedForAlias(): boolean[] {
  return arrived.filter((o) => o.post_id === ALIAS).map((o) => o.known);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  background = new FakeBackground();
  arrived = [];
  shownIds = new Set([ALIAS]);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("unknown posts are asked again", () => {
  it("after a push: the page's capture is in, and the server resolves the alias it shows", async () => {
    const overlays = store();
    overlays.want(ALIAS);
    await debounce();
    await background.answerLast(false);
    expect(arrived.map((o) => o.known)).toEqual([false]);

    // The capture's overlays are keyed by the canonical id, not the alias the page shows.
    overlays.acceptPushed([overlay(CANONICAL, true)]);
    await debounce();
    expect(background.requests.map((r) => r.postIds)).toEqual([[ALIAS], [ALIAS]]);
    await background.answerLast(true);
    expect(overlays.get(ALIAS)?.known).toBe(true);
    expect(arrived.at(-1)).toMatchObject({ post_id: ALIAS, known: true });
  });

  it("not after a push when the post is no longer shown", async () => {
    const overlays = store();
    overlays.want(ALIAS);
    await debounce();
    await background.answerLast(false);
    shownIds.clear();
    overlays.acceptPushed([overlay(CANONICAL, true)]);
    await debounce();
    expect(background.requests).toHaveLength(1);
  });

  it("at once when a push came while the request was on its way", async () => {
    const overlays = store();
    overlays.want(ALIAS);
    await debounce();
    overlays.acceptPushed([overlay(CANONICAL, true)]);
    await background.answerLast(false); // answered before the capture was in
    await debounce();
    expect(background.requests).toHaveLength(2);
    await background.answerLast(true);
    expect(arrivedForAlias()).toEqual([true]); // the early "unknown" was never shown
  });

  it("once more after a short delay (another tab may capture it), then no more", async () => {
    const overlays = store();
    overlays.want(ALIAS);
    await debounce();
    await background.answerLast(false);
    await vi.advanceTimersByTimeAsync(UNKNOWN_RETRY_MS + 20);
    expect(background.requests).toHaveLength(2);
    await background.answerLast(false);
    await vi.advanceTimersByTimeAsync(UNKNOWN_RETRY_MS * 4);
    expect(background.requests).toHaveLength(2);
    expect(arrived.map((o) => o.known)).toEqual([false, false]);
  });

  it("when shown again after a while, not right away", async () => {
    const overlays = store();
    overlays.want(ALIAS);
    await debounce();
    await background.answerLast(false);
    await vi.advanceTimersByTimeAsync(UNKNOWN_RETRY_MS + 20);
    await background.answerLast(false);
    overlays.want(ALIAS); // the site re-rendered the post
    await debounce();
    expect(background.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(UNKNOWN_FRESH_MS);
    overlays.want(ALIAS);
    await debounce();
    expect(background.requests).toHaveLength(3);
  });

  it("are remembered for a push only so many (every push looks at each), and a forgotten one is asked again when shown", async () => {
    const overlays = store();
    const ids = Array.from({ length: MAX_UNKNOWN + 100 }, (_, index) => `post-${index}`);
    shownIds = new Set(ids);
    for (const id of ids) overlays.want(id);
    await debounce();
    for (const request of background.requests) request.answer(request.postIds.map((postId) => overlay(postId, false)));
    await vi.advanceTimersByTimeAsync(0);
    const asked = background.requests.length;
    overlays.acceptPushed([]); // asks again for the unknown posts it remembers: the newest
    await debounce();
    expect(background.requests.slice(asked).flatMap((request) => request.postIds)).toEqual(ids.slice(100));
    await background.answerLast(false);
    const before = background.requests.length;
    overlays.want("post-0"); // forgotten, shown again: asked for, not taken from the cache
    await debounce();
    expect(background.requests.slice(before).map((request) => request.postIds)).toEqual([["post-0"]]);
  });

  it("keep their placeholder while the page's own captures are on their way", async () => {
    const overlays = store();
    overlays.want(ALIAS);
    await debounce();
    overlays.capturesSent();
    await background.answerLast(false);
    expect(arrived).toEqual([]); // not "no data yet": the capture was not in yet
    overlays.acceptPushed([overlay(CANONICAL, true)]);
    await debounce();
    await background.answerLast(true);
    expect(arrivedForAlias()).toEqual([true]);
  });

  it("show 'no data yet' at the latest after the delayed retry", async () => {
    const overlays = store();
    overlays.want(ALIAS);
    await debounce();
    overlays.capturesSent();
    await background.answerLast(false);
    // The retry waits for the push, which does not come.
    await vi.advanceTimersByTimeAsync(UNKNOWN_RETRY_MS + PUSH_WAIT_MS + 20);
    expect(background.requests).toHaveLength(2);
    await background.answerLast(false);
    expect(arrived.map((o) => o.known)).toEqual([false]);
  });
});

describe("while the page's own captures are on their way", () => {
  const OTHER = "erin.example.org/post/3lbq7zzzz";

  it("posts wait for the push after their ingest, and only those it left out are asked for", async () => {
    shownIds.add(OTHER);
    const overlays = store();
    overlays.capturesSent();
    overlays.want(ALIAS);
    overlays.want(OTHER);
    await debounce();
    expect(background.requests).toEqual([]);
    overlays.acceptPushed([overlay(ALIAS, true)]);
    expect(arrivedForAlias()).toEqual([true]);
    await debounce();
    expect(background.requests.map((r) => r.postIds)).toEqual([[OTHER]]);
  });

  it("an empty push (captures without these posts) lets them be asked for", async () => {
    const overlays = store();
    overlays.capturesSent();
    overlays.want(ALIAS);
    await debounce();
    overlays.acceptPushed([]);
    await debounce();
    expect(background.requests.map((r) => r.postIds)).toEqual([[ALIAS]]);
  });

  it("they are asked for after PUSH_WAIT_MS when no push comes, once", async () => {
    const overlays = store();
    overlays.capturesSent();
    overlays.want(ALIAS);
    await vi.advanceTimersByTimeAsync(PUSH_WAIT_MS - 50);
    expect(background.requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(background.requests.map((r) => r.postIds)).toEqual([[ALIAS]]);
    await background.answerLast(true);
    expect(arrivedForAlias()).toEqual([true]);
  });

  it("they are asked for at once when the captures were not queued (sending paused)", async () => {
    const overlays = store();
    overlays.capturesSent();
    overlays.want(ALIAS);
    await debounce();
    overlays.capturesNotQueued();
    await debounce();
    expect(background.requests.map((r) => r.postIds)).toEqual([[ALIAS]]);
  });
});

describe("a late unknown", () => {
  it("never replaces a known overlay (the push won the race)", async () => {
    const overlays = store();
    overlays.want(ALIAS);
    await debounce();
    overlays.acceptPushed([overlay(ALIAS, true)]);
    await background.answerLast(false);
    expect(overlays.get(ALIAS)?.known).toBe(true);
    expect(arrived.map((o) => o.known)).toEqual([true]);
  });

  it("but a newer known overlay does", async () => {
    const overlays = store();
    overlays.acceptPushed([overlay(ALIAS, true)]);
    overlays.acceptPushed([{ ...overlay(ALIAS, true), badges: [{ text: "78 likes", title: null, tone: "neutral" }] }]);
    expect(overlays.get(ALIAS)?.badges[0]?.text).toBe("78 likes");
  });
});
