// Located posts: find them (initial scan + throttled rescans on mutations), give
// each visible one a badge (placeholder first, overlay when it arrives or at once
// from the cache) and record impressions.

import { extractPostId } from "../shared/rules";
import type { Capture, DomLocator, Overlay, Platform } from "../shared/types";
import { BADGE_TAG, BadgeView } from "./badge";
import { newCapture } from "./captures";
import { OverlayStore, type OverlayFetcher } from "./overlays";
import { measured } from "./perf";
import { themeBehind, type Theme } from "./theme";
import { VisibilityTracker } from "./visibility";

export interface PostDeps {
  fetchOverlays: OverlayFetcher;
  send: (capture: Capture) => void;
}

function querySafely(root: ParentNode, selector: string): Element[] {
  try {
    return [...root.querySelectorAll(selector)];
  } catch {
    return []; // a selector this browser cannot parse
  }
}

export class PostOverlays {
  private readonly observed = new WeakSet<Element>();
  private readonly badgeOfPost = new WeakMap<Element, BadgeView>();
  private readonly ownHosts = new WeakSet<Element>();
  private readonly badgesById = new Map<string, Set<BadgeView>>();
  private readonly visibility: VisibilityTracker;
  private readonly store: OverlayStore;
  private theme: Theme | null = null;

  constructor(
    private readonly platformName: string,
    private readonly locator: DomLocator,
    private readonly deps: PostDeps,
  ) {
    this.store = new OverlayStore(platformName, deps.fetchOverlays, {
      arrived: (overlays) => this.render(overlays),
      failed: (postIds) => this.markUnavailable(postIds),
    });
    this.visibility = new VisibilityTracker({
      visible: (posts) => this.onVisible(posts),
      dwelled: (post, dwellMs, seenAt) => this.recordImpression(post, dwellMs, seenAt),
    });
  }

  static for(platform: Platform, deps: PostDeps): PostOverlays | null {
    return platform.locator ? new PostOverlays(platform.name, platform.locator, deps) : null;
  }

  /** Observes new posts; restores badges the site removed from posts in view. */
  scan(): void {
    measured("seenby:locate", () => {
      for (const post of querySafely(document, this.locator.post_selector)) {
        if (this.observed.has(post)) continue;
        this.observed.add(post);
        this.visibility.observe(post);
      }
      for (const post of this.visibility.postsInView()) this.ensureBadge(post);
    });
  }

  acceptOverlays(overlays: Overlay[]): void {
    this.store.accept(overlays);
  }

  private postIdOf(post: Element): string | null {
    return extractPostId(post, this.locator, location.host);
  }

  private onVisible(posts: Element[]): void {
    measured("seenby:visible", () => {
      // One style read per batch: posts on a page share their background.
      const first = posts[0];
      if (first) this.theme = themeBehind(first);
      for (const post of posts) this.ensureBadge(post);
    });
  }

  /** The post's badge, in place, for its current id; never two in one post. */
  private ensureBadge(post: Element): void {
    const postId = this.postIdOf(post);
    if (postId === null) return; // not rendered far enough yet: the next scan retries
    let badge = this.badgeOfPost.get(post);
    if (badge && badge.host.isConnected && badge.postId === postId) return;
    if (badge && badge.postId !== postId) {
      this.badgesById.get(badge.postId)?.delete(badge);
      badge.postId = postId;
    }
    if (!badge) {
      badge = new BadgeView(postId, this.theme ?? "light", this.locator.reply_box_selector);
      this.ownHosts.add(badge.host);
      this.badgeOfPost.set(post, badge);
    }
    this.removeForeignCopies(post);
    this.anchorOf(post).append(badge.host);
    let badges = this.badgesById.get(postId);
    if (!badges) this.badgesById.set(postId, (badges = new Set()));
    badges.add(badge);
    const cached = this.store.get(postId);
    badge.update(cached ? { kind: "overlay", overlay: cached } : { kind: "loading" });
    if (!cached) this.store.want(postId);
  }

  /** Copies of a badge the site cloned along with the post have no shadow root: drop them. */
  private removeForeignCopies(post: Element): void {
    for (const host of post.getElementsByTagName(BADGE_TAG)) {
      if (!this.ownHosts.has(host)) host.remove();
    }
  }

  private anchorOf(post: Element): Element {
    const selector = this.locator.anchor_selector;
    return (selector !== null && querySafely(post, selector)[0]) || post;
  }

  private render(overlays: Overlay[]): void {
    measured("seenby:render", () => {
      for (const overlay of overlays) {
        for (const badge of this.liveBadges(overlay.post_id)) badge.update({ kind: "overlay", overlay });
      }
    });
  }

  private markUnavailable(postIds: string[]): void {
    for (const postId of postIds) {
      for (const badge of this.liveBadges(postId)) badge.update({ kind: "unavailable" });
    }
  }

  /** The badges of `postId` still in the page; the rest are forgotten. */
  private liveBadges(postId: string): BadgeView[] {
    const badges = this.badgesById.get(postId);
    if (!badges) return [];
    for (const badge of badges) if (!badge.host.isConnected) badges.delete(badge);
    if (badges.size === 0) this.badgesById.delete(postId);
    return [...badges];
  }

  private recordImpression(post: Element, dwellMs: number, seenAt: Date): void {
    const postId = this.postIdOf(post);
    if (postId === null) return;
    this.deps.send(
      newCapture(this.platformName, {
        kind: "impression",
        url: location.href,
        method: "GET",
        status: 0,
        body: { post_id: postId, dwell_ms: dwellMs, seen_at: seenAt.toISOString() },
      }),
    );
  }
}
