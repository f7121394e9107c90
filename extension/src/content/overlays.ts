// Overlays by post id: a cache (so re-rendered posts get their badge back at
// once), batched requests for the ids we lack, and pushes from the background.

import type { Overlay } from "../shared/types";

const REQUEST_DELAY_MS = 30;
const MAX_IDS_PER_REQUEST = 500; // the server's limit
const MAX_CACHED = 5000;

export type OverlayFetcher = (postIds: string[]) => Promise<Overlay[] | null>;

export interface OverlayListener {
  arrived(overlays: Overlay[]): void;
  failed(postIds: string[]): void;
}

export class OverlayStore {
  private readonly cache = new Map<string, Overlay>();
  private readonly inFlight = new Set<string>();
  private queued = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly platform: string,
    private readonly fetchOverlays: OverlayFetcher,
    private readonly listener: OverlayListener,
  ) {}

  get(postId: string): Overlay | undefined {
    return this.cache.get(postId);
  }

  /** Asks for the overlay of `postId` in the next batch unless it is cached or on its way. */
  want(postId: string): void {
    if (this.cache.has(postId) || this.inFlight.has(postId)) return;
    this.queued.add(postId);
    this.timer ??= setTimeout(() => this.request(), REQUEST_DELAY_MS);
  }

  /** Overlays from a request or pushed by the background; other platforms' are ignored. */
  accept(overlays: Overlay[]): void {
    const mine = overlays.filter((overlay) => overlay.platform === this.platform);
    for (const overlay of mine) {
      this.cache.delete(overlay.post_id); // re-insert: the newest stay when we trim
      this.cache.set(overlay.post_id, overlay);
      this.inFlight.delete(overlay.post_id);
    }
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED) break;
      this.cache.delete(oldest);
    }
    if (mine.length > 0) this.listener.arrived(mine);
  }

  private request(): void {
    this.timer = null;
    const ids = [...this.queued];
    this.queued = new Set();
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_REQUEST) {
      const batch = ids.slice(start, start + MAX_IDS_PER_REQUEST);
      for (const id of batch) this.inFlight.add(id);
      void this.fetchOverlays(batch).then((overlays) => {
        if (overlays) this.accept(overlays);
        const missing = batch.filter((id) => this.inFlight.delete(id));
        if (missing.length > 0) this.listener.failed(missing);
      });
    }
  }
}
