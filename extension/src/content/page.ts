// Everything the content script does once it knows the page's platform.

import { mayHoldPosts, type Capture, type InterceptedExchange, type Overlay, type Platform } from "../shared/types";
import { CaptureBatcher } from "./captures";
import { watchClicks } from "./dom-actions";
import { DocumentWatcher } from "./documents";
import { captureFromExchange } from "./exchanges";
import { MutationHub } from "./mutations";
import type { OverlayFetcher } from "./overlays";
import { PostOverlays } from "./posts";
import { watchViewer } from "./viewer";

export interface PageDeps {
  /** Resolves to whether the captures are on their way to the server. */
  deliver: (captures: Capture[]) => Promise<boolean>;
  fetchOverlays: (platform: string, postIds: string[]) => Promise<Overlay[] | null>;
}

export class ActivePage {
  private readonly batcher: CaptureBatcher;
  private readonly posts: PostOverlays | null;

  constructor(
    private platform: Platform,
    deps: PageDeps,
  ) {
    this.batcher = new CaptureBatcher((captures) => {
      const withPosts = captures.some(mayHoldPosts);
      void deps.deliver(captures).then((queued) => {
        if (withPosts && !queued) this.posts?.capturesNotQueued();
      });
    });
    const send = (capture: Capture): void => this.send(capture);
    const fetchOverlays: OverlayFetcher = (postIds) => deps.fetchOverlays(this.platform.name, postIds);
    const current = (): Platform => this.platform;
    const mutations = new MutationHub();
    // Before the first capture (the page's document): its posts wait for its push.
    this.posts = PostOverlays.for(platform, { fetchOverlays, send, placed: () => mutations.takeRecords() });

    const documents = new DocumentWatcher(current, send);
    documents.start();
    mutations.subscribe(() => documents.checkUrl());
    window.addEventListener("popstate", () => documents.checkUrl());

    // Clicks often navigate away: their capture leaves at once.
    watchClicks(current, (capture) => {
      this.send(capture);
      this.batcher.flush();
    });

    if (platform.viewer) watchViewer(platform.name, platform.viewer, send);

    if (this.posts) {
      const posts = this.posts;
      mutations.subscribe((added) => posts.scan(added));
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => posts.scan(), { once: true });
      posts.scan();
    }
    // Impressions end when the page is hidden or left (visibility.ts): send them now.
    window.addEventListener("pagehide", () => this.batcher.flush());
    document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && this.batcher.flush());
  }

  get platformName(): string {
    return this.platform.name;
  }

  /** New rules for the same platform: captures follow them at once; the locator keeps the page's first. */
  updatePlatform(platform: Platform): void {
    this.platform = platform;
  }

  handleExchange(exchange: InterceptedExchange): void {
    const capture = captureFromExchange(this.platform, exchange, location.href);
    if (capture) this.send(capture);
  }

  private send(capture: Capture): void {
    // Posts in this capture are unknown to the server until it has them, and their
    // overlays come with the push after it does (overlays.ts).
    if (mayHoldPosts(capture)) this.posts?.capturesSent();
    this.batcher.add(capture);
  }

  /** Overlays the background pushed after captures of this tab were ingested. */
  acceptPushed(overlays: Overlay[]): void {
    this.posts?.acceptPushed(overlays);
  }
}
