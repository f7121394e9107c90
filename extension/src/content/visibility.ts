// Which located posts are on screen. Two IntersectionObservers: one with a margin of
// half a viewport above and below says which posts get a badge (so a badge is filled
// by the time its post scrolls in), one without tells how much of a post is really
// visible, to time impressions (half visible for 900 ms or more). The second watches
// only the posts the first says are near (a post that is not near is not visible):
// the browser computes intersections for every observed post on every frame that
// moves something, and most posts of a long page are far away. For the same reason
// the first watches, on a page of many posts, only those around the viewport
// (watch-window.ts).

import { measured } from "./perf";
import { WatchWindow } from "./watch-window";

export const MIN_DWELL_MS = 900;
export const HALF = 0.5;
/** How far beyond the viewport a post counts as near: half a viewport, above and below. */
export const NEAR_MARGIN = "50% 0px";

export interface VisibilityListener {
  /** Posts that just came near the viewport (one call per observer batch). */
  visible(posts: Element[]): void;
  /**
   * A post was half visible for `dwellMs` ≥ MIN_DWELL_MS, starting at `seenAt`.
   * `leaving`: the page is being hidden or left (what is recorded must go now).
   */
  dwelled(post: Element, dwellMs: number, seenAt: Date, leaving: boolean): void;
}

export class VisibilityTracker {
  private readonly near: IntersectionObserver;
  private readonly exact: IntersectionObserver;
  private readonly nearView = new Set<Element>();
  private readonly halfVisible = new Set<Element>();
  /** Dwell episodes under way: performance.now() at their start. */
  private readonly episodes = new Map<Element, number>();
  private readonly watching: WatchWindow;

  constructor(private readonly listener: VisibilityListener) {
    this.near = new IntersectionObserver((entries) => measured("seenby:visible", () => this.onNear(entries)), { rootMargin: NEAR_MARGIN, threshold: 0 });
    // Only crossing the half matters (dwell starts and ends there): one callback per
    // post entering or leaving the viewport, not two.
    this.exact = new IntersectionObserver((entries) => measured("seenby:visible", () => this.onExact(entries)), { threshold: HALF });
    this.watching = new WatchWindow(this.near);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.endAll();
      else for (const post of this.halfVisible) this.begin(post);
    });
    window.addEventListener("pagehide", () => this.endAll());
  }

  observe(post: Element): void {
    this.watching.add(post);
  }

  /** Posts near the viewport right now (few: about two viewports' worth). */
  postsNearView(): ReadonlySet<Element> {
    return this.nearView;
  }

  private onNear(entries: IntersectionObserverEntry[]): void {
    const appeared: Element[] = [];
    for (const entry of entries) {
      const post = entry.target;
      if (entry.isIntersecting) {
        if (this.nearView.has(post)) continue;
        appeared.push(post);
        this.nearView.add(post);
        this.exact.observe(post);
      } else if (this.nearView.delete(post) || !post.isConnected) {
        // Far from the viewport: not visible at all (the exact observer may not say so first).
        this.exact.unobserve(post);
        this.halfVisible.delete(post);
        this.end(post);
        if (!post.isConnected) this.watching.dropped(post); // the site dropped it
      }
    }
    if (appeared.length > 0) this.listener.visible(appeared);
    this.watching.moved(this.nearView, appeared);
  }

  private onExact(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const post = entry.target;
      if (!this.nearView.has(post)) continue; // an entry queued before the post went far away
      if (entry.isIntersecting && entry.intersectionRatio >= HALF) {
        this.halfVisible.add(post);
        if (document.visibilityState !== "hidden") this.begin(post);
      } else {
        this.halfVisible.delete(post);
        this.end(post);
      }
    }
  }

  private begin(post: Element): void {
    if (!this.episodes.has(post)) this.episodes.set(post, performance.now());
  }

  private end(post: Element, leaving = false): void {
    const start = this.episodes.get(post);
    if (start === undefined) return;
    this.episodes.delete(post);
    const dwellMs = Math.round(performance.now() - start);
    if (dwellMs >= MIN_DWELL_MS) this.listener.dwelled(post, dwellMs, new Date(Date.now() - dwellMs), leaving);
  }

  /** Tab hidden or page left: what was on screen until now counts as seen. */
  endAll(): void {
    for (const post of [...this.episodes.keys()]) this.end(post, true);
  }
}
