// Where a post's badge goes: inside the post's anchor (`anchor_selector`), or right
// after it when the anchor is a control. A badge inside a button or link would take
// the clicks meant for it (the badge stops its events from reaching the site), nest
// a button in a button, and, in a link, navigate unless every click were cancelled.

/** Elements that act on a click or take input: the badge never goes inside one. */
export const INTERACTIVE =
  'button, a[href], [role="button"], input, select, textarea, label, summary, [contenteditable]:not([contenteditable="false"])';

function firstSafely(root: ParentNode, selector: string): Element | null {
  try {
    return root.querySelector(selector);
  } catch {
    return null;
  }
}

/** The outermost control between `anchor` (included) and `post` (excluded), if any. */
function enclosingControl(anchor: Element, post: Element): Element | null {
  let control: Element | null = null;
  // The anchor is a few levels inside the post: one match per level up to it, where
  // closest() would test every ancestor up to the document's root.
  for (let node: Element | null = anchor; node !== null && node !== post; node = node.parentElement) {
    if (node.matches(INTERACTIVE)) control = node;
  }
  return control;
}

/** Puts `host` in `post`: in its anchor, after the anchor's control, or at the post's end. */
export function placeBadge(host: HTMLElement, post: Element, anchorSelector: string | null): void {
  const anchor = (anchorSelector !== null && firstSafely(post, anchorSelector)) || post;
  const control = anchor === post ? null : enclosingControl(anchor, post);
  if (control === null) {
    if (host.parentNode !== anchor || host.nextSibling !== null) anchor.append(host);
    host.removeAttribute("slot");
    return;
  }
  // A slotted control (a custom element's light DOM) shows where its slot is: so does the badge.
  const slot = control.getAttribute("slot");
  if (slot === null) host.removeAttribute("slot");
  else host.setAttribute("slot", slot);
  if (control.nextSibling !== host) control.after(host);
}
