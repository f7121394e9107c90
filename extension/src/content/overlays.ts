// Overlays by post id: a cache (so re-rendered posts get their badge back at
// once), batched requests for the ids we lack, and pushes from the background.
//
// "No data yet" (known: false) is never final. The page often asks before its own
// capture of the post reached the server, and the overlays pushed after that capture
// was ingested are keyed by the parser's canonical id, which need not be the id the
// page shows (Bluesky: `<handle>/post/<rkey>` in the page, an at:// URI on the
// server, resolved only when asked with the alias). So an unknown post shown on the
// page is asked for again: after every push (its capture may be in), once after a
// short delay (another tab may have captured it), and when it is shown again later.
//
// While this page's own captures are on their way to the server, posts are not asked
// for: the push that follows their ingest brings the overlays of the posts in them, and
// an answer before it would mostly say "unknown". The posts the push leaves out are
// asked for then (at the latest after PUSH_WAIT_MS).

import type { Overlay } from "../shared/types";
import { measured } from "./perf";

const REQUEST_DELAY_MS = 10;
const MAX_IDS_PER_REQUEST = 500; // the server's limit
const MAX_CACHED = 5000;
/**
 * Unknown posts remembered for asking again (the newest). Every push looks at each of
 * them, so the list must not grow with the session; one forgotten is asked for again
 * when it is shown again.
 */
export const MAX_UNKNOWN = 500;
/** The one delayed retry of a post that came back unknown. */
export const UNKNOWN_RETRY_MS = 1_500;
/** An unknown answer older than this is asked again when its post is shown again. */
export const UNKNOWN_FRESH_MS = 30_000;
/** How long captures sent from this page may take to reach the server and be answered. */
const INGEST_WAIT_MS = 3_000;
/** How long a post waits for the push its page's captures are due to bring, at most. */
export const PUSH_WAIT_MS = 1_000;

export type OverlayFetcher = (postIds: string[]) => Promise<Overlay[] | null>;

export interface OverlayListener {
  arrived(overlays: Overlay[]): void;
  failed(postIds: string[]): void;
  /** Whether the page still shows a badge for `postId` (only those are asked again). */
  shown(postId: string): boolean;
}

export class OverlayStore {
  private readonly cache = new Map<string, Overlay>();
  /** Ids on their way, with the number of pushes seen when they were asked for. */
  private readonly inFlight = new Map<string, number>();
  /** Ids last answered unknown (cached, or held back), with when (performance.now()). */
  private readonly unknown = new Map<string, number>();
  /** Unknown ids that had their delayed retry (or have it planned). */
  private readonly retriedLater = new Set<string>();
  private queued = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryIds = new Set<string>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Ids waiting for the push after this page's captures are ingested. */
  private awaitingPush = new Set<string>();
  private pushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The captures (their capturesSentAt) whose push was waited for in vain: no more waiting for it. */
  private waitedInVainFor = -Infinity;
  private pushes = 0;
  private pushedAt = -Infinity;
  private capturesSentAt = -Infinity;

  constructor(
    private readonly platform: string,
    private readonly fetchOverlays: OverlayFetcher,
    private readonly listener: OverlayListener,
  ) {}

  get(postId: string): Overlay | undefined {
    return this.cache.get(postId);
  }

  /** Asks for the overlay of `postId` in the next batch unless it is known, fresh or on its way. */
  want(postId: string): void {
    if (this.inFlight.has(postId) || this.awaitingPush.has(postId)) return;
    const unknownSince = this.unknown.get(postId);
    if (unknownSince !== undefined ? performance.now() - unknownSince < UNKNOWN_FRESH_MS : this.cache.has(postId)) return;
    if (this.waitingForPush()) this.awaitPush([postId]);
    else this.enqueue(postId);
  }

  /**
   * Overlays the background pushed: captures from this tab were ingested. Posts shown
   * as unknown may be known now, under the id the page shows: ask for them again.
   */
  acceptPushed(overlays: Overlay[]): void {
    this.pushes++;
    this.pushedAt = performance.now();
    this.store(overlays);
    this.stopAwaitingPush();
    for (const postId of this.unknown.keys()) {
      if (!this.inFlight.has(postId) && this.listener.shown(postId)) this.enqueue(postId);
    }
  }

  /** This page sent captures (not impressions): until a push says they were ingested, "unknown" may be early. */
  capturesSent(): void {
    this.capturesSentAt = performance.now();
  }

  /** The captures this page sent were not queued (sending paused, or no background): no push is coming. */
  capturesNotQueued(): void {
    this.capturesSentAt = -Infinity;
    this.stopAwaitingPush();
  }

  private awaitingIngest(): boolean {
    return this.capturesSentAt > this.pushedAt && performance.now() - this.capturesSentAt < INGEST_WAIT_MS;
  }

  private store(overlays: Overlay[]): void {
    const applied: Overlay[] = [];
    for (const overlay of overlays) {
      if (overlay.platform !== this.platform) continue;
      const postId = overlay.post_id;
      const askedAtPush = this.inFlight.get(postId);
      this.inFlight.delete(postId);
      // A late "unknown" (asked before the capture was in) never hides what we know.
      if (!overlay.known && this.cache.get(postId)?.known) continue;
      if (!overlay.known && this.holdUnknown(postId, askedAtPush)) continue;
      if (overlay.known) {
        this.unknown.delete(postId);
        this.retriedLater.delete(postId);
      }
      this.cache.delete(postId); // re-insert: the newest stay when we trim
      this.cache.set(postId, overlay);
      applied.push(overlay);
    }
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED) break;
      this.cache.delete(oldest);
      this.unknown.delete(oldest);
      this.retriedLater.delete(oldest);
    }
    if (applied.length > 0) this.listener.arrived(applied);
  }

  /**
   * Plans the next question about an unknown post. True when its badge should keep the
   * placeholder: the first "unknown" that may predate this page's own capture of it.
   */
  private holdUnknown(postId: string, askedAtPush: number | undefined): boolean {
    const firstAnswer = !this.retriedLater.has(postId);
    this.unknown.delete(postId); // re-insert: the newest stay when we trim
    this.unknown.set(postId, performance.now());
    this.forgetOldUnknown();
    // A push came while the request was on its way: ask again now, its answer may be older.
    const pushedMeanwhile = askedAtPush !== undefined && askedAtPush < this.pushes;
    if (pushedMeanwhile) this.enqueue(postId);
    else this.retryLater(postId);
    return firstAnswer && (pushedMeanwhile || this.awaitingIngest());
  }

  private forgetOldUnknown(): void {
    for (const oldest of this.unknown.keys()) {
      if (this.unknown.size <= MAX_UNKNOWN) break;
      this.unknown.delete(oldest);
      this.retriedLater.delete(oldest);
      // Its cached "unknown" would keep it from being asked for when it is shown again.
      if (this.cache.get(oldest)?.known === false) this.cache.delete(oldest);
    }
  }

  private enqueue(postId: string): void {
    this.queued.add(postId);
    this.timer ??= setTimeout(() => measured("seenby:overlays", () => this.request()), REQUEST_DELAY_MS);
  }

  /** Once per post: another tab may capture it in a moment. */
  private retryLater(postId: string): void {
    if (this.retriedLater.has(postId)) return;
    this.retriedLater.add(postId);
    this.retryIds.add(postId);
    this.retryTimer ??= setTimeout(() => measured("seenby:overlays", () => this.retryDue()), UNKNOWN_RETRY_MS);
  }

  private retryDue(): void {
    this.retryTimer = null;
    const due = this.retryIds;
    this.retryIds = new Set();
    for (const id of due) {
      if (this.unknown.has(id) && !this.inFlight.has(id) && this.listener.shown(id)) this.enqueue(id);
    }
  }

  /** This page's captures are on their way, and their push may still come. */
  private waitingForPush(): boolean {
    return this.awaitingIngest() && this.capturesSentAt !== this.waitedInVainFor;
  }

  /** Posts are asked for after the push, unless it brought them (or at the latest after PUSH_WAIT_MS). */
  private awaitPush(ids: Iterable<string>): void {
    for (const id of ids) this.awaitingPush.add(id);
    this.pushTimer ??= setTimeout(
      () =>
        measured("seenby:overlays", () => {
          this.waitedInVainFor = this.capturesSentAt;
          this.stopAwaitingPush();
        }),
      PUSH_WAIT_MS,
    );
  }

  private stopAwaitingPush(): void {
    if (this.pushTimer !== null) clearTimeout(this.pushTimer);
    this.pushTimer = null;
    const ids = this.awaitingPush;
    if (ids.size === 0) return;
    this.awaitingPush = new Set();
    for (const id of ids) {
      if (!this.cache.get(id)?.known && this.listener.shown(id)) this.enqueue(id);
    }
  }

  private request(): void {
    this.timer = null;
    const ids = [...this.queued];
    this.queued = new Set();
    if (this.waitingForPush()) return this.awaitPush(ids);
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_REQUEST) {
      const batch = ids.slice(start, start + MAX_IDS_PER_REQUEST);
      for (const id of batch) this.inFlight.set(id, this.pushes);
      void this.fetchOverlays(batch).then((overlays) =>
        measured("seenby:overlays", () => {
          if (overlays) this.store(overlays);
          const missing = batch.filter((id) => this.inFlight.delete(id));
          if (missing.length > 0) this.listener.failed(missing);
        }),
      );
    }
  }
}
