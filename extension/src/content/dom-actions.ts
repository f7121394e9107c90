// DOM action rules: clicks that are actions on sites that send no fetch for them
// (HN votes are image requests, replies plain form posts).

import { domActionPostId, extractPostId } from "../shared/rules";
import type { Capture, DomActionRule, Platform } from "../shared/types";
import { newCapture } from "./captures";

function closestMatch(target: Element, rule: DomActionRule): Element | null {
  try {
    return target.closest(rule.selector);
  } catch {
    return null; // a selector this browser cannot parse
  }
}

/** The element's link made absolute, or null when it has none. */
function absoluteHref(element: Element): string | null {
  const href = element.getAttribute("href");
  if (href === null) return null;
  try {
    return new URL(href, location.href).href;
  } catch {
    return null;
  }
}

/** The id from the rule, else the id of the located post around the element. */
function postIdFor(element: Element, rule: DomActionRule, platform: Platform): string | null {
  const fromRule = domActionPostId(element, rule);
  if (fromRule !== null || platform.locator === null) return fromRule;
  try {
    const post = element.closest(platform.locator.post_selector);
    return post ? extractPostId(post, platform.locator, location.host) : null;
  } catch {
    return null;
  }
}

export function clickCapture(target: Element, platform: Platform): Capture | null {
  for (const rule of platform.dom_actions) {
    const element = closestMatch(target, rule);
    if (element === null) continue;
    const href = absoluteHref(element);
    return newCapture(platform.name, {
      kind: "dom",
      url: href ?? location.href,
      method: "GET",
      status: 0,
      body: { post_id: postIdFor(element, rule, platform), href },
      operation: rule.action,
    });
  }
  return null;
}

/** One capturing click listener: it sees the click before the site can stop it. */
export function watchClicks(platform: () => Platform, send: (capture: Capture) => void): void {
  document.addEventListener(
    "click",
    (event) => {
      try {
        const target = event.target;
        if (!(target instanceof Element) || platform().dom_actions.length === 0) return;
        const capture = clickCapture(target, platform());
        if (capture) send(capture);
      } catch {
        // never break the site's click
      }
    },
    true,
  );
}
