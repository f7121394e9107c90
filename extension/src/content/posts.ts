// Located posts: find them (initial scan, then the elements each mutation burst
// added), give each one near the viewport a badge (placeholder first, overlay when it
// arrives or at once from the cache) and record impressions.

import { extractPostId } from "../shared/rules";
import type { Capture, DomLocator, Overlay, Platform } from "../shared/types";
import { BADGE_TAG, BadgeView, prepareStyles } from "./badge";
import { newCapture } from "./captures";
import { OverlayStore, type OverlayFetcher } from "./overlays";
import { FrameBatch } from "./frame";
import { measured } from "./perf";
import { placeBadge } from "./placement";
import { guessedTheme, themeBehind, whenIdle, type Theme } from "./theme";
import { VisibilityTracker } from "./visibility";

export interface PostDeps {
  fetchOverlays: OverlayFetcher;
  send: (capture: Capture) => void;
}

function querySafely(root: ParentNode, selector: string): Iterable<Element> {
  try {
    return root.querySelectorAll(selector);
  } catch {
    return []; // a selector this browser cannot parse
  }
}

function closestSafely(element: Element, selector: string): Element | null {
  try {
    return element.closest(selector);
  } catch {
    return null;
  }
}

export class PostOverlays {
  private readonly observed = new WeakSet<Element>();
  private readonly badgeOfPost = new WeakMap<Element, BadgeView>();
  private readonly ownHosts = new WeakSet<Element>();
  private readonly badgesById = new Map<string, Set<BadgeView>>();
  private readonly visibility: VisibilityTracker;
  private readonly store: OverlayStore;
  /** The system's scheme until the page's colours are read (at idle time: a style read may force a style recalculation). */
  private theme: Theme = guessedTheme();
  private themeRead: "no" | "planned" | "done" = "no";
  /** DOM writes wait for the next frame: the page is drawn then anyway. */
  private readonly arrived = new FrameBatch<Overlay>((overlays) => this.renderArrived(overlays));
  private readonly cameNear = new FrameBatch<Element>((posts) => this.onVisible(posts));

  constructor(
    private readonly platformName: string,
    private readonly locator: DomLocator,
    private readonly deps: PostDeps,
  ) {
    this.store = new OverlayStore(platformName, deps.fetchOverlays, {
      arrived: (overlays) => this.arrived.add(...overlays),
      failed: (postIds) => this.markUnavailable(postIds),
      shown: (postId) => this.liveBadges(postId).length > 0,
    });
    this.visibility = new VisibilityTracker({
      visible: (posts) => this.cameNear.add(...posts),
      dwelled: (post, dwellMs, seenAt) => this.recordImpression(post, dwellMs, seenAt),
    });
    // The site may follow the system's colour scheme: read its background again.
    window.matchMedia?.("(prefers-color-scheme: dark)").addEventListener?.("change", () => {
      this.themeRead = "no";
      const post = this.visibility.postsNearView()[0];
      if (post) this.planThemeRead(post);
    });
    whenIdle(prepareStyles);
  }

  static for(platform: Platform, deps: PostDeps): PostOverlays | null {
    return platform.locator ? new PostOverlays(platform.name, platform.locator, deps) : null;
  }

  /**
   * Observes new posts and puts back badges the site removed or made stale. `added`:
   * the elements the site added since the last scan (only they can be or complete new
   * posts, and only posts around them can have changed); null looks at the whole page.
   */
  scan(added: readonly Element[] | null = null): void {
    measured("seenby:locate", () => {
      const selector = this.locator.post_selector;
      let changed: Set<Element> | null = null; // null: every post may have changed
      if (added === null) {
        for (const post of querySafely(document, selector)) this.observe(post);
      } else {
        changed = new Set();
        for (const element of added) {
          if (!element.isConnected) continue;
          // The post around the element changed (and may only now match, with :has()).
          const post = closestSafely(element, selector);
          if (post) {
            this.observe(post);
            changed.add(post);
          }
          for (const inner of querySafely(element, selector)) this.observe(inner);
        }
      }
      for (const post of this.visibility.postsNearView()) {
        if (!post.isConnected) continue; // dropped by the site; the observer says so next frame
        // A badge still in place in a post the site did not touch stays as it is.
        if (changed && !changed.has(post) && this.badgeOfPost.get(post)?.host.isConnected) continue;
        this.ensureBadge(post);
      }
    });
  }

  /** Overlays the background pushed after captures of this tab were ingested. */
  acceptPushed(overlays: Overlay[]): void {
    this.store.acceptPushed(overlays);
  }

  /** This page sent captures that may hold the posts it shows. */
  capturesSent(): void {
    this.store.capturesSent();
  }

  private observe(post: Element): void {
    if (this.observed.has(post)) return;
    this.observed.add(post);
    this.visibility.observe(post);
  }

  private postIdOf(post: Element): string | null {
    return extractPostId(post, this.locator, location.host);
  }

  private onVisible(posts: Element[]): void {
    measured("seenby:visible", () => {
      const first = posts[0];
      if (first) this.planThemeRead(first);
      for (const post of posts) if (post.isConnected) this.ensureBadge(post);
    });
  }

  /** One style read per page, when it is idle: posts share their background. */
  private planThemeRead(post: Element): void {
    if (this.themeRead !== "no") return;
    this.themeRead = "planned";
    whenIdle(() =>
      measured("seenby:theme", () => {
        if (this.themeRead !== "planned") return;
        const shown = post.isConnected ? post : this.visibility.postsNearView().find((near) => near.isConnected);
        if (!shown) return void (this.themeRead = "no"); // the next posts near the viewport plan it again
        this.themeRead = "done";
        const theme = themeBehind(shown);
        if (theme === this.theme) return;
        this.theme = theme;
        for (const badges of this.badgesById.values()) for (const badge of badges) badge.setTheme(theme);
      }),
    );
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
      badge = new BadgeView(postId, this.theme, this.locator.reply_box_selector);
      this.ownHosts.add(badge.host);
      this.badgeOfPost.set(post, badge);
    }
    this.removeForeignCopies(post);
    placeBadge(badge.host, post, this.locator.anchor_selector);
    let badges = this.badgesById.get(postId);
    if (!badges) this.badgesById.set(postId, (badges = new Set()));
    badges.add(badge);
    const cached = this.store.get(postId);
    badge.update(cached ? { kind: "overlay", overlay: cached } : { kind: "loading" });
    this.store.want(postId); // nothing when cached and known; "unknown" is asked again when stale
  }

  /** Copies of a badge the site cloned along with the post have no shadow root: drop them. */
  private removeForeignCopies(post: Element): void {
    const hosts = post.getElementsByTagName(BADGE_TAG);
    if (hosts.length === 0) return; // most posts: no copy made yet
    for (const host of [...hosts]) {
      if (!this.ownHosts.has(host)) host.remove();
    }
  }

  /** Overlays that arrived since the last frame: the newest of each post is drawn. */
  private renderArrived(overlays: Overlay[]): void {
    measured("seenby:render", () => {
      const newest = new Map<string, Overlay>();
      for (const overlay of overlays) newest.set(overlay.post_id, overlay);
      for (const overlay of newest.values()) {
        for (const badge of this.liveBadges(overlay.post_id)) badge.update({ kind: "overlay", overlay });
      }
    });
  }

  private markUnavailable(postIds: string[]): void {
    const failed = new Set(postIds);
    this.arrived.drop((overlay) => !failed.has(overlay.post_id)); // the newest news of these posts
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
