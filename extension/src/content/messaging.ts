// The content script's only line to the background worker. Every call tolerates a
// missing or restarting worker ("Extension context invalidated" after an update).

import type { Overlay, Rules, ToBackground } from "../shared/types";
import { isRules, toOverlays } from "./validate";
import { measured } from "./perf";

async function send(message: ToBackground): Promise<unknown> {
  try {
    return await chrome.runtime.sendMessage(message);
  } catch {
    return null;
  }
}

export async function requestRules(): Promise<Rules | null> {
  const answer = await send({ type: "get-rules" });
  return isRules(answer) ? answer : null;
}

export async function requestOverlays(platform: string, postIds: string[]): Promise<Overlay[] | null> {
  const answer = await send({ type: "get-overlays", platform, post_ids: postIds });
  return measured("seenby:overlays", () => toOverlays(answer));
}

/** Resolves to whether the captures are on their way to the server (queued, and paired). */
export function sendCaptures(message: Extract<ToBackground, { type: "captures" }>): Promise<boolean> {
  return measured("seenby-capture:send", () => send(message)).then((queued) => queued === true);
}

export interface BackgroundListener {
  rules(rules: Rules): void;
  overlays(overlays: Overlay[]): void;
}

/** Messages the background pushes to this tab (`ToContent`), shape-checked. */
export function listenToBackground(listener: BackgroundListener): void {
  try {
    chrome.runtime.onMessage.addListener((message: unknown) => {
      if (typeof message !== "object" || message === null) return;
      const { type } = message as { type?: unknown };
      if (type === "rules") {
        const rules = (message as { rules?: unknown }).rules;
        if (isRules(rules)) listener.rules(rules);
      } else if (type === "overlays") {
        measured("seenby:overlays", () => {
          const overlays = toOverlays((message as { overlays?: unknown }).overlays);
          if (overlays) listener.overlays(overlays);
        });
      }
    });
  } catch {
    // no runtime (extension reloaded): the page simply gets no overlays
  }
}

/**
 * Asks for the rules until the background has them (0.5 s, 1 s, 2 s … then every
 * 30 s), or until they were pushed (`known`).
 */
export function loadRules(onRules: (rules: Rules) => void, known: () => boolean): void {
  let delayMs = 500;
  const attempt = (): void => {
    if (known()) return;
    void requestRules().then((rules) => {
      if (known()) return;
      if (rules) {
        onRules(rules);
        return;
      }
      setTimeout(attempt, delayMs);
      delayMs = Math.min(delayMs * 2, 30_000);
    });
  };
  attempt();
}
