// Everything the content script does once it knows the page's platform.

import type { Capture, InterceptedExchange, Overlay, Platform } from "../shared/types";
import { CaptureBatcher } from "./captures";
import { watchClicks } from "./dom-actions";
import { DocumentWatcher } from "./documents";
import { captureFromExchange } from "./exchanges";
import { MutationHub } from "./mutations";
import type { OverlayFetcher } from "./overlays";
import { PostOverlays } from "./posts";

export interface PageDeps {
  deliver: (captures: Capture[]) => void;
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
      // Posts in these captures are unknown to the server until it has them (overlays.ts).
      if (captures.some((capture) => capture.kind !== "impression")) this.posts?.capturesSent();
      deps.deliver(captures);
    });
    const send = (capture: Capture): void => this.batcher.add(capture);
    const fetchOverlays: OverlayFetcher = (postIds) => deps.fetchOverlays(this.platform.name, postIds);
    const current = (): Platform => this.platform;
    const mutations = new MutationHub();

    const documents = new DocumentWatcher(current, send);
    documents.start();
    mutations.subscribe(() => documents.checkUrl());
    window.addEventListener("popstate", () => documents.checkUrl());

    // Clicks often navigate away: their capture leaves at once.
    watchClicks(current, (capture) => {
      this.batcher.add(capture);
      this.batcher.flush();
    });

    this.posts = PostOverlays.for(platform, { fetchOverlays, send });
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
    if (capture) this.batcher.add(capture);
  }

  /** Overlays the background pushed after captures of this tab were ingested. */
  acceptPushed(overlays: Overlay[]): void {
    this.posts?.acceptPushed(overlays);
  }
}
