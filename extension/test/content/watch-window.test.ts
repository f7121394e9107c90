// @vitest-environment happy-dom
// On a page of many posts the near observer watches only a window around the viewport
// (the browser computes every observed post in every frame that scrolls), and still
// sees every post before it comes near.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VisibilityTracker } from "../../src/content/visibility";
import { WATCH_ALL_UP_TO, WATCH_AROUND, WatchWindow } from "../../src/content/watch-window";
import { FakeIntersectionObserver, useFakeIntersectionObserver } from "./helpers";

let watched: Set<Element>;
let window_: WatchWindow;

function feed(count: number, into: Element = document.body): Element[] {
  const posts = Array.from({ length: count }, (_, index) => {
    const post = document.createElement("article");
    post.id = `p${into.childElementCount + index}`;
    return post;
  });
  into.append(...posts);
  return posts;
}

function locate(posts: Element[]): void {
  for (const post of posts) window_.add(post);
}

beforeEach(() => {
  watched = new Set();
  window_ = new WatchWindow({ observe: (post) => watched.add(post), unobserve: (post) => watched.delete(post) });
});

afterEach(() => {
  document.body.innerHTML = "";
});

describe("WatchWindow", () => {
  it("watches every post of a page with few", () => {
    const posts = feed(WATCH_ALL_UP_TO);
    locate(posts);
    window_.moved(new Set(posts.slice(10, 15)), posts.slice(10, 15));
    expect(watched.size).toBe(WATCH_ALL_UP_TO);
  });

  it("on a page with many, watches the posts near the viewport and those around them only", () => {
    const posts = feed(1000);
    locate(posts);
    expect(watched.size).toBe(1000); // nothing near known yet
    const near = posts.slice(500, 510);
    window_.moved(new Set(near), near);
    expect(watched.size).toBe(10 + 2 * WATCH_AROUND);
    expect(watched.has(posts[500 - WATCH_AROUND]!)).toBe(true);
    expect(watched.has(posts[509 + WATCH_AROUND]!)).toBe(true);
    expect(watched.has(posts[499 - WATCH_AROUND]!)).toBe(false);
    expect(watched.has(posts[510 + WATCH_AROUND]!)).toBe(false);
  });

  it("moves on as the user scrolls down and up: every post is watched before it comes near", () => {
    const posts = feed(2000);
    locate(posts);
    let most = 0;
    const step = (top: number, appeared: Element[]): void => {
      const near = posts.slice(top, top + 10);
      for (const post of near) expect(watched.has(post), `post ${post.id} not watched`).toBe(true);
      window_.moved(new Set(near), appeared);
      most = Math.max(most, watched.size);
    };
    for (let top = 0; top + 10 <= posts.length; top += 3) step(top, posts.slice(top + 7, top + 10));
    for (let top = posts.length - 10; top >= 0; top -= 3) step(top, posts.slice(top, top + 3));
    expect(most).toBeLessThanOrEqual(10 + 3 * WATCH_AROUND);
  });

  it("keeps up with posts the site appends as the user scrolls to the end", () => {
    const posts = feed(400);
    locate(posts);
    for (let top = 0; top < 3000; top += 5) {
      // The site loads more only when the user is close to the end: the window reaches it.
      if (posts.length - top < 20) {
        const more = feed(20);
        locate(more);
        posts.push(...more);
      }
      const near = posts.slice(top, top + 10);
      for (const post of near) expect(watched.has(post), `post ${post.id} not watched`).toBe(true);
      window_.moved(new Set(near), near.slice(-5));
    }
    expect(watched.size).toBeLessThanOrEqual(10 + 3 * WATCH_AROUND);
  });

  it("watches every post again after a jump past the window, until the posts near it are known", () => {
    const posts = feed(1000);
    locate(posts);
    window_.moved(new Set(posts.slice(0, 10)), posts.slice(0, 10));
    expect(watched.has(posts[900]!)).toBe(false);
    window_.moved(new Set(), []); // End key: what was near is far
    expect(watched.size).toBe(1000);
    const near = posts.slice(990);
    window_.moved(new Set(near), near);
    expect(watched.size).toBe(10 + WATCH_AROUND);
    expect(watched.has(posts[0]!)).toBe(false);
  });

  it("watches a post the site inserts inside the window or before it, not one beyond it", () => {
    const posts = feed(1000);
    locate(posts);
    window_.moved(new Set(posts.slice(0, 10)), posts.slice(0, 10));
    const [inside] = feed(1);
    posts[50]!.after(inside!);
    const [beyond] = feed(1); // appended at the end, far below
    locate([inside!, beyond!]);
    expect(watched.has(inside!)).toBe(true);
    expect(watched.has(beyond!)).toBe(false);
  });

  it("places the window right after the site moved posts it had located", () => {
    const posts = feed(1000);
    locate(posts);
    // The site moves the last 100 posts to the top (a re-sorted feed reusing its nodes).
    const moved = posts.slice(900);
    document.body.prepend(...moved);
    window_.moved(new Set(moved.slice(0, 10)), moved.slice(0, 10));
    for (const post of moved.slice(0, 10 + WATCH_AROUND)) expect(watched.has(post), `post ${post.id} not watched`).toBe(true);
    expect(watched.has(posts[500]!)).toBe(false);
  });

  it("forgets posts the site removed, and places the window again when its edge went", () => {
    const posts = feed(1000);
    locate(posts);
    const near = posts.slice(500, 510);
    window_.moved(new Set(near), near);
    const edge = posts[509 + WATCH_AROUND / 2]!;
    edge.remove();
    window_.dropped(edge);
    expect(watched.has(edge)).toBe(false);
    for (const post of posts.slice(520, 700)) post.remove();
    const next = posts.slice(505, 515);
    window_.moved(new Set(next), []);
    // Placed again around the posts near now, over what is left of the page.
    expect(watched.has(posts[700 + WATCH_AROUND - 6]!)).toBe(true);
    expect(watched.has(posts[600]!)).toBe(false);
  });
});

describe("WatchWindow and posts the site removes", () => {
  it("stops watching posts removed far from view (the observer never reports them, and would keep them alive)", () => {
    const posts = feed(WATCH_ALL_UP_TO);
    locate(posts);
    for (const post of posts) post.remove(); // a site that virtualises its feed
    locate(feed(2 * WATCH_ALL_UP_TO));
    expect([...watched].filter((post) => !post.isConnected)).toEqual([]);
    expect(watched.size).toBe(2 * WATCH_ALL_UP_TO);
  });

  it("watches a post again when the site puts it back (a virtual list reusing its nodes)", () => {
    const posts = feed(10);
    locate(posts);
    const [reported, pruned] = [posts[0]!, posts[1]!];
    reported.remove();
    window_.dropped(reported); // the observer said it was removed
    pruned.remove();
    locate(feed(2 * WATCH_ALL_UP_TO)); // enough to prune what was removed unreported
    expect(watched.has(reported) || watched.has(pruned)).toBe(false);
    document.body.prepend(reported, pruned);
    locate([reported, pruned]); // the mutation scan finds them again
    expect(watched.has(reported) && watched.has(pruned)).toBe(true);
    locate([reported]); // already known: nothing changes
    expect(watched.size).toBe(8 + 2 * WATCH_ALL_UP_TO + 2);
  });
});

describe("VisibilityTracker on a long page", () => {
  it("asks the browser about a bounded number of posts, and every post still comes near", () => {
    useFakeIntersectionObserver();
    const appeared: Element[] = [];
    const tracker = new VisibilityTracker({ visible: (posts) => appeared.push(...posts), dwelled: () => {} });
    const posts = feed(1500);
    for (const post of posts) tracker.observe(post);
    let previous: Element[] = [];
    for (let top = 0; top + 8 <= posts.length; top += 4) {
      const near = posts.slice(top, top + 8);
      FakeIntersectionObserver.show(previous.filter((post) => !near.includes(post)), 0);
      FakeIntersectionObserver.show(near, 1);
      previous = near;
    }
    expect(new Set(appeared).size).toBe(posts.length);
    const [nearObserver] = FakeIntersectionObserver.instances;
    expect(nearObserver!.targets.size).toBeLessThanOrEqual(8 + 3 * WATCH_AROUND);
  });
});
