// One IntersectionObserver for every located post. Thresholds 0 and 0.5: the
// first tells which posts get any work at all (visible ones), the second times
// impressions (half visible for 900 ms or more).

export const MIN_DWELL_MS = 900;
export const HALF = 0.5;

export interface VisibilityListener {
  /** Posts that just came into view (one call per observer batch). */
  visible(posts: Element[]): void;
  /** A post was half visible for `dwellMs` ≥ MIN_DWELL_MS, starting at `seenAt`. */
  dwelled(post: Element, dwellMs: number, seenAt: Date): void;
}

export class VisibilityTracker {
  private readonly observer: IntersectionObserver;
  private readonly inView = new Set<Element>();
  private readonly halfVisible = new Set<Element>();
  /** Dwell episodes under way: performance.now() and wall clock at their start. */
  private readonly episodes = new Map<Element, { start: number; seenAt: Date }>();

  constructor(private readonly listener: VisibilityListener) {
    this.observer = new IntersectionObserver((entries) => this.onEntries(entries), { threshold: [0, HALF] });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.endAll();
      else for (const post of this.halfVisible) this.begin(post);
    });
    window.addEventListener("pagehide", () => this.endAll());
  }

  observe(post: Element): void {
    this.observer.observe(post);
  }

  isInView(post: Element): boolean {
    return this.inView.has(post);
  }

  /** Posts in view right now (few: the viewport's worth). */
  postsInView(): Element[] {
    return [...this.inView];
  }

  private onEntries(entries: IntersectionObserverEntry[]): void {
    const appeared: Element[] = [];
    for (const entry of entries) {
      const post = entry.target;
      if (entry.isIntersecting && entry.intersectionRatio > 0) {
        if (!this.inView.has(post)) appeared.push(post);
        this.inView.add(post);
      } else {
        this.inView.delete(post);
        if (!post.isConnected) this.observer.unobserve(post); // the site dropped it
      }
      if (entry.isIntersecting && entry.intersectionRatio >= HALF) {
        this.halfVisible.add(post);
        if (document.visibilityState !== "hidden") this.begin(post);
      } else {
        this.halfVisible.delete(post);
        this.end(post);
      }
    }
    if (appeared.length > 0) this.listener.visible(appeared);
  }

  private begin(post: Element): void {
    if (!this.episodes.has(post)) this.episodes.set(post, { start: performance.now(), seenAt: new Date() });
  }

  private end(post: Element): void {
    const episode = this.episodes.get(post);
    if (!episode) return;
    this.episodes.delete(post);
    const dwellMs = Math.round(performance.now() - episode.start);
    if (dwellMs >= MIN_DWELL_MS) this.listener.dwelled(post, dwellMs, episode.seenAt);
  }

  /** Tab hidden or page left: what was on screen until now counts as seen. */
  endAll(): void {
    for (const post of [...this.episodes.keys()]) this.end(post);
  }
}
