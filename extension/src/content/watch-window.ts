// Which located posts the "near" IntersectionObserver watches. The browser computes
// the intersection of every observed target in every frame that scrolls (measured in
// Chromium: about 0.2 µs per target per computation, several computations per
// frame), and on sites that keep every post in the page (Reddit, LinkedIn, Facebook)
// a long session locates thousands: 3,000 observed posts cost the page 2.6 ms per
// scroll step. So once a page has more than WATCH_ALL_UP_TO posts, only a window of
// them is watched: the posts near the viewport and WATCH_AROUND posts before and
// after them, in page order. A post WATCH_AROUND / 2 away marks each end: when it
// comes near, the window moves on. A jump beyond the window (End key, a link to an
// anchor) leaves nothing near: then every post is watched again, until the next
// posts near the viewport say where the window goes.

/** Up to this many located posts, every one is watched. */
export const WATCH_ALL_UP_TO = 150;
/** Posts watched before the first and after the last post near the viewport. */
export const WATCH_AROUND = 50;

export interface Watcher {
  observe(post: Element): void;
  unobserve(post: Element): void;
}

function inPageOrder(a: Element, b: Element): number {
  return a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

function follows(post: Element, other: Element): boolean {
  const position = other.compareDocumentPosition(post);
  return (position & Node.DOCUMENT_POSITION_DISCONNECTED) === 0 && (position & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
}

export class WatchWindow {
  /** Every post located (page order while `ordered`), connected or not since the last prune. */
  private located: Element[] = [];
  private ordered = true;
  /** Forget posts the site removed when `located` grows past this. */
  private pruneAbove = 2 * WATCH_ALL_UP_TO;
  private readonly watched = new Set<Element>();
  /** The posts in `located` the site has not removed (as far as we know). */
  private readonly known = new Set<Element>();
  /** Whether only a window is watched (else every post). */
  private windowed = false;
  /** The window's last post: posts added after it wait for the window. Null: it reaches the end. */
  private end: Element | null = null;
  /** The posts that move the window when they come near. */
  private readonly edges = new Set<Element>();
  /** With the window open at the end: the posts still to add before one is its lower edge. */
  private untilEdge = 0;
  /** An edge or the end was removed by the site: place the window again. */
  private stale = false;

  constructor(private readonly watcher: Watcher) {}

  /** A post was located (again, after the site removed it and put it back): watched unless it lies beyond the window. */
  add(post: Element): void {
    if (this.known.has(post)) return;
    this.known.add(post);
    const last = this.located[this.located.length - 1];
    if (last !== undefined && this.ordered && !follows(post, last)) this.ordered = false;
    this.located.push(post);
    if (this.located.length > this.pruneAbove) this.prune();
    if (this.end === null || !follows(post, this.end)) this.watch(post);
    // Posts the site appends to a window open at the end: one of them will move it on.
    if (this.windowed && this.end === null && this.untilEdge > 0 && --this.untilEdge === 0) this.edges.add(post);
  }

  /** The site removed the post (should it put it back, it is located again). */
  dropped(post: Element): void {
    this.known.delete(post);
    if (this.watched.delete(post)) this.watcher.unobserve(post);
    if (this.edges.has(post) || post === this.end) this.stale = true;
  }

  /** After the near posts changed (`appeared`: those that just came near). */
  moved(near: ReadonlySet<Element>, appeared: readonly Element[]): void {
    if (near.size === 0) {
      // Nothing near: a jump past the window, or a part of the page without posts.
      if (this.windowed) this.watchAll();
      return;
    }
    const due = this.windowed
      ? this.stale || appeared.some((post) => this.edges.has(post))
      : this.located.length > WATCH_ALL_UP_TO;
    if (due) this.place(near);
  }

  private watch(post: Element): void {
    if (this.watched.has(post)) return;
    this.watched.add(post);
    this.watcher.observe(post);
  }

  private watchAll(): void {
    this.windowed = false;
    this.end = null;
    this.edges.clear();
    this.stale = false;
    for (const post of this.located) if (post.isConnected) this.watch(post);
  }

  /**
   * Drops the posts the site removed (and stops watching them: the observer would keep
   * each alive, and a post removed far from view is never reported); sorts the rest
   * into page order if needed.
   */
  private prune(): void {
    // Unique too: a post the site removed and put back was added again.
    this.located = [...new Set(this.located.filter((post) => post.isConnected))];
    for (const post of this.known) if (!post.isConnected) this.dropped(post);
    if (!this.ordered) this.located.sort(inPageOrder);
    this.ordered = true;
    this.pruneAbove = Math.max(2 * this.located.length, 2 * WATCH_ALL_UP_TO);
  }

  /** The index of a connected post in the pruned, ordered `located`; -1 if it is not found there. */
  private indexOf(post: Element): number {
    let low = 0;
    let high = this.located.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (inPageOrder(this.located[middle]!, post) < 0) low = middle + 1;
      else high = middle;
    }
    return this.located[low] === post ? low : -1;
  }

  /** The indexes of the first and last of `shown` (in page order); null if `located` is out of order. */
  private span(shown: Element[]): [number, number] | null {
    const first = this.indexOf(shown[0]!);
    const last = this.indexOf(shown[shown.length - 1]!);
    return first < 0 || last < 0 ? null : [first, last];
  }

  /** Watches the window around the near posts, and only it. */
  private place(near: ReadonlySet<Element>): void {
    this.prune();
    const shown = [...near].filter((post) => post.isConnected);
    if (shown.length === 0 || this.located.length <= WATCH_ALL_UP_TO) return this.watchAll();
    shown.sort(inPageOrder);
    let span = this.span(shown);
    if (span === null) {
      // The site moved posts since they were located: sort them again.
      this.ordered = false;
      this.prune();
      span = this.span(shown);
      if (span === null) return this.watchAll();
    }
    const [first, last] = span;
    const count = this.located.length;
    const from = Math.max(0, first - WATCH_AROUND);
    const to = Math.min(count - 1, last + WATCH_AROUND);
    const keep = new Set(this.located.slice(from, to + 1));
    for (const post of shown) keep.add(post);
    for (const post of this.watched) {
      if (!keep.has(post)) {
        this.watched.delete(post);
        this.watcher.unobserve(post);
      }
    }
    for (const post of keep) this.watch(post);
    this.windowed = true;
    this.stale = false;
    this.end = to < count - 1 ? this.located[to]! : null;
    this.edges.clear();
    const upper = first - WATCH_AROUND / 2;
    const lower = last + WATCH_AROUND / 2;
    if (upper >= 0) this.edges.add(this.located[upper]!);
    if (lower < count) this.edges.add(this.located[lower]!);
    this.untilEdge = lower < count ? 0 : lower - count + 1;
  }
}
