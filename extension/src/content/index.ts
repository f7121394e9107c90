// The content script (isolated world, document_start). It listens to the MAIN
// world's exchanges at once and buffers them; when the rules arrive it picks the
// page's platform and starts the features (page.ts). With no platform it stops.

import { anyHostPlatformFor, platformForHost } from "../shared/rules";
import type { InterceptedExchange, Rules } from "../shared/types";
import { ExchangeInbox } from "./exchanges";
import { listenToBackground, loadRules, requestOverlays, sendCaptures } from "./messaging";
import { ActivePage } from "./page";

const inbox = new ExchangeInbox(window);
let page: ActivePage | null = null;
let rulesKnown = false;

function isThisHost(url: string): boolean {
  try {
    return new URL(url).host === location.host;
  } catch {
    return false;
  }
}

function activate(rules: Rules, exchange: InterceptedExchange | null): ActivePage | null {
  let platform = platformForHost(rules, location.hostname);
  // A site on many hosts (Mastodon) is recognised by its own API calls; the call must
  // go to this page's host, or any page could forge one to switch us on.
  if (!platform && exchange && isThisHost(exchange.url)) {
    platform = anyHostPlatformFor(rules, exchange.url, exchange.method, exchange.requestBody);
  }
  if (!platform) return null;
  return new ActivePage(platform, {
    deliver: (captures) => sendCaptures({ type: "captures", captures }),
    fetchOverlays: requestOverlays,
  });
}

function applyRules(rules: Rules): void {
  rulesKnown = true;
  if (page) {
    const same = rules.platforms.find((platform) => platform.name === page?.platformName);
    if (same) page.updatePlatform(same);
    return;
  }
  page = activate(rules, null);
  if (!page && !rules.platforms.some((platform) => platform.any_host)) {
    // Nothing here for us. Rules that add this host later apply from the next page load.
    inbox.stop();
    return;
  }
  inbox.consume((exchange) => {
    page ??= activate(rules, exchange);
    page?.handleExchange(exchange);
  });
}

listenToBackground({
  rules: applyRules,
  overlays: (overlays) => page?.acceptPushed(overlays),
});
loadRules(applyRules, () => rulesKnown);
