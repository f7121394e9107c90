// The panel's content for a badge state: a header with a close button, then the
// overlay's sections (see sections.ts) or a short note.

import type { BadgeState } from "./badge";
import { button, element, renderSection } from "./sections";

export function renderPanel(
  panel: HTMLElement,
  state: BadgeState,
  replyBoxSelector: string | null,
  onClose: () => void,
): void {
  const head = element("div", undefined, "head");
  const close = button("×", onClose);
  close.className = "close";
  close.setAttribute("aria-label", "Close");
  head.append(element("span", "Seenby"), close);
  const parts: HTMLElement[] = [head];
  if (state.kind === "loading") parts.push(element("p", "Loading…", "muted"));
  else if (state.kind === "unavailable") parts.push(element("p", "The Seenby server did not answer.", "muted"));
  else {
    const { overlay } = state;
    if (!overlay.known) parts.push(element("p", "Seenby has no data about this post yet.", "muted"));
    for (const section of overlay.sections) parts.push(renderSection(section, replyBoxSelector));
    if (overlay.known && overlay.sections.length === 0) parts.push(element("p", "Nothing more to show.", "muted"));
    if (overlay.errors.length > 0) parts.push(element("p", `Plugins that failed: ${overlay.errors.join(", ")}`, "muted"));
  }
  panel.replaceChildren(...parts);
}
