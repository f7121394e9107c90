// Located posts: find them (initial scan, then the elements each mutation burst
// added), give each a badge (placeholder first, overlay when it arrives or at once
// from the cache), ask for the overlays of those near the viewport, and record
// impressions.
//
// A post the site adds gets its badge in the mutation observer's callback, which runs
// before the browser draws what the site did: the badge is drawn in the site's own
// frame. Placed later (when the post is found near the viewport), it would cost the
// page a frame of its own, whose style, layout and paint of the page cost far more
// than making the badge. Only overlays are asked for by visibility. The posts already
// on the page when we start are badged as they come near: that page is drawn already.
//
// The DOM is written in the callbacks that bring the news (the mutation observer's,
// the IntersectionObserver's, the background's message): none reads layout.

import { extractPostId } from "../shared/rules";
import type { Capture, DomLocator, Overlay, Platform } from "../shared/types";
import { BADGE_TAG, BadgeView, prepareStyles } from "./badge";
import { newCapture } from "./captures";
import { OverlayStore, type OverlayFetcher } from "./overlays";
import { measured } from "./perf";
import { placeBadge } from "./placement";
import { guessedTheme, themeBehind, whenIdle, type Theme } from "./theme";
import { VisibilityTracker } from "./visibility";

export interface PostDeps {
  fetchOverlays: OverlayFetcher;
  send: (capture: Capture) => void;
  /** Called after badges were put into the page (the mutation hub takes those records at once). */
  placed?: () => void;
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

/** Badges placed between two sweeps of the badges the site removed with their posts. */
const SWEEP_EVERY = 200;

export class PostOverlays {
  private readonly badgeOfPost = new WeakMap<Element, BadgeView>();
  private readonly ownHosts = new WeakSet<Element>();
  private readonly badgesById = new Map<string, Set<BadgeView>>();
  private placedSinceSweep = 0;
  private readonly visibility: VisibilityTracker;
  private readonly store: OverlayStore;
  /** The system's scheme until the page's colours are read (at idle time: a style read may force a style recalculation). */
  private theme: Theme = guessedTheme();
  private themeRead: "no" | "planned" | "done" = "no";
  /** Impressions whose captures are made at the next idle time. */
  private readonly impressions: { postId: string; dwellMs: number; seenAt: Date; url: string }[] = [];

  constructor(
    private readonly platformName: string,
    private readonly locator: DomLocator,
    private readonly deps: PostDeps,
  ) {
    this.store = new OverlayStore(platformName, deps.fetchOverlays, {
      arrived: (overlays) => this.renderArrived(overlays),
      failed: (postIds) => this.markUnavailable(postIds),
      shown: (postId) => this.liveBadges(postId).length > 0,
    });
    this.visibility = new VisibilityTracker({
      visible: (posts) => this.onVisible(posts),
      dwelled: (post, dwellMs, seenAt, leaving) => this.recordImpression(post, dwellMs, seenAt, leaving),
    });
    // The site may follow the system's colour scheme: read its background again.
    window.matchMedia?.("(prefers-color-scheme: dark)").addEventListener?.("change", () => {
      this.themeRead = "no";
      const [post] = this.visibility.postsNearView();
      if (post) this.planThemeRead(post);
    });
    whenIdle(() => measured("seenby:styles", prepareStyles));
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
          for (const inner of querySafely(element, selector)) {
            this.observe(inner);
            changed.add(inner);
          }
        }
      }
      let placed = false;
      const near = this.visibility.postsNearView();
      if (changed) {
        // In the site's frame: see the top of this file.
        for (const post of changed) placed = this.ensureBadge(post, near.has(post)) || placed;
      }
      for (const post of near) {
        if (!post.isConnected) continue; // dropped by the site; the observer says so next frame
        // A badge still in place in a post the site did not touch stays as it is.
        if (changed && (changed.has(post) || this.badgeOfPost.get(post)?.host.isConnected)) continue;
        placed = this.ensureBadge(post, true) || placed;
      }
      if (placed) this.deps.placed?.();
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

  /** Those captures were not queued: no push is coming. */
  capturesNotQueued(): void {
    this.store.capturesNotQueued();
  }

  /** Watches the post's visibility (again, if the site removed it and put it back). */
  private observe(post: Element): void {
    this.visibility.observe(post);
  }

  private postIdOf(post: Element): string | null {
    return extractPostId(post, this.locator, location.host);
  }

  private onVisible(posts: Element[]): void {
    measured("seenby:visible", () => {
      const first = posts[0];
      if (first) this.planThemeRead(first);
      let placed = false;
      for (const post of posts) if (post.isConnected) placed = this.ensureBadge(post, true) || placed;
      if (placed) this.deps.placed?.();
    });
  }

  /** One style read per page, when it is idle: posts share their background. */
  private planThemeRead(post: Element): void {
    if (this.themeRead !== "no") return;
    this.themeRead = "planned";
    whenIdle(() =>
      measured("seenby:theme", () => {
        if (this.themeRead !== "planned") return;
        const shown = post.isConnected ? post : [...this.visibility.postsNearView()].find((near) => near.isConnected);
        if (!shown) return void (this.themeRead = "no"); // the next posts near the viewport plan it again
        this.themeRead = "done";
        const theme = themeBehind(shown);
        if (theme === this.theme) return;
        this.theme = theme;
        for (const badges of this.badgesById.values()) for (const badge of badges) badge.setTheme(theme);
      }),
    );
  }

  /**
   * The post's badge, in place, for its current id; never two in one post. `near`: the
   * post is near the viewport, so its overlay is asked for unless known (an unknown one
   * is asked again when stale). True when the badge was (re)placed.
   */
  private ensureBadge(post: Element, near: boolean): boolean {
    const postId = this.postIdOf(post);
    if (postId === null) return false; // not rendered far enough yet: the next scan retries
    if (near) this.store.want(postId);
    let badge = this.badgeOfPost.get(post);
    if (badge && badge.host.isConnected && badge.postId === postId) return false;
    if (badge && badge.postId !== postId) {
      this.badgesById.get(badge.postId)?.delete(badge);
      badge.postId = postId;
    }
    if (!badge) {
      badge = new BadgeView(postId, this.theme, this.locator.reply_box_selector);
      this.ownHosts.add(badge.host);
      this.badgeOfPost.set(post, badge);
    }
    let badges = this.badgesById.get(postId);
    if (!badges) this.badgesById.set(postId, (badges = new Set()));
    badges.add(badge);
    // Written before it goes into the page: changes to a detached tree invalidate no styles.
    const cached = this.store.get(postId);
    badge.update(cached ? { kind: "overlay", overlay: cached } : { kind: "loading" });
    this.removeForeignCopies(post);
    placeBadge(badge.host, post, this.locator.anchor_selector);
    if (++this.placedSinceSweep >= SWEEP_EVERY) this.forgetRemoved();
    return true;
  }

  /**
   * Forgets the badges the site removed along with their posts. A site that keeps only
   * the posts near the viewport in its page (X) drops thousands in a long session, and
   * a badge still listed here would keep its whole post in memory.
   */
  private forgetRemoved(): void {
    this.placedSinceSweep = 0;
    for (const [postId, badges] of this.badgesById) {
      for (const badge of badges) if (!badge.host.isConnected) badges.delete(badge);
      if (badges.size === 0) this.badgesById.delete(postId);
    }
  }

  /** Badges listed for the posts in the page (those the site removed are forgotten now and then). */
  get listedBadges(): number {
    let count = 0;
    for (const badges of this.badgesById.values()) count += badges.size;
    return count;
  }

  /** Copies of a badge the site cloned along with the post have no shadow root: drop them. */
  private removeForeignCopies(post: Element): void {
    const hosts = post.getElementsByTagName(BADGE_TAG);
    if (hosts.length === 0) return; // most posts: no copy made yet
    for (const host of [...hosts]) {
      if (!this.ownHosts.has(host)) host.remove();
    }
  }

  /** Overlays that arrived (one per post): drawn into the post's badges. */
  private renderArrived(overlays: Overlay[]): void {
    measured("seenby:render", () => {
      for (const overlay of overlays) {
        const badges = this.badgesById.get(overlay.post_id);
        if (!badges) continue;
        for (const badge of badges) {
          if (badge.host.isConnected) badge.update({ kind: "overlay", overlay });
          else badges.delete(badge); // the site dropped it
        }
        if (badges.size === 0) this.badgesById.delete(overlay.post_id);
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

  /**
   * Notes an impression; its capture is made when the page is idle (impressions are
   * not urgent, and they end while the page scrolls), or at once when it is left.
   */
  private recordImpression(post: Element, dwellMs: number, seenAt: Date, leaving: boolean): void {
    measured("seenby:impression", () => {
      // The id its badge shows (kept current whenever the post changes), else read now.
      const badge = this.badgeOfPost.get(post);
      const postId = badge?.host.isConnected ? badge.postId : this.postIdOf(post);
      if (postId === null) return;
      const first = this.impressions.push({ postId, dwellMs, seenAt, url: location.href }) === 1;
      if (leaving) this.sendImpressions();
      else if (first) whenIdle(() => measured("seenby:impression", () => this.sendImpressions()));
    });
  }

  private sendImpressions(): void {
    for (const { postId, dwellMs, seenAt, url } of this.impressions.splice(0)) {
      const body = { post_id: postId, dwell_ms: dwellMs, seen_at: seenAt.toISOString() };
      this.deps.send(newCapture(this.platformName, { kind: "impression", url, method: "GET", status: 0, body }, url));
    }
  }
}
