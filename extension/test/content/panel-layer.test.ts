// @vitest-environment happy-dom
// The panel is drawn above the page (a popover in the top layer), placed from the
// badge's box, and opening it scrolls nothing: on Hacker News the badge sits in a
// title cell with overflow: hidden, which clipped the panel and, when the panel took
// the focus, scrolled the title out of sight.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BadgeView } from "../../src/content/badge";

let shown: HTMLElement[];
let moveBadge: (box: DOMRect) => void;

/** happy-dom has no Popover API: a minimal one that records what is in the top layer. */
function stubPopoverApi(): void {
  shown = [];
  const prototype = HTMLElement.prototype as unknown as Record<string, unknown>;
  prototype.showPopover = function (this: HTMLElement) {
    shown.push(this);
  };
  prototype.hidePopover = function (this: HTMLElement) {
    shown = shown.filter((element) => element !== this);
  };
}

function boxAt(left: number, top: number, width: number, height: number): DOMRect {
  return { left, top, width, height, right: left + width, bottom: top + height, x: left, y: top, toJSON: () => ({}) } as DOMRect;
}

function openBadge(badgeBox: DOMRect, panelSize = { width: 352, height: 300 }): { badge: BadgeView; panel: HTMLElement } {
  document.body.innerHTML = '<table><tr><td class="title" style="overflow: hidden"><span class="titleline"></span></td></tr></table>';
  const badge = new BadgeView("48345840", "light", null);
  document.querySelector(".titleline")?.append(badge.host);
  const badgeBoxNow = vi.spyOn(Element.prototype, "getBoundingClientRect").mockReturnValue(badgeBox);
  moveBadge = (box) => badgeBoxNow.mockReturnValue(box);
  const root = badge.host.shadowRoot as ShadowRoot;
  vi.spyOn(HTMLElement.prototype, "offsetWidth", "get").mockReturnValue(panelSize.width);
  vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockReturnValue(panelSize.height);
  (root.querySelector("button.badge") as HTMLButtonElement).click();
  return { badge, panel: root.querySelector(".panel") as HTMLElement };
}

beforeEach(() => {
  stubPopoverApi();
  // The viewport: the scrolling element's client box.
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1280);
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(720);
});

afterEach(() => {
  const prototype = HTMLElement.prototype as unknown as Record<string, unknown>;
  delete prototype.showPopover;
  delete prototype.hidePopover;
  vi.restoreAllMocks();
  document.body.innerHTML = "";
});

describe("panel layer", () => {
  it("opens in the top layer (no ancestor clips it), under the badge", () => {
    const { panel } = openBadge(boxAt(100, 200, 80, 20));
    expect(panel.getAttribute("popover")).toBe("manual"); // manual: the site's popovers stay open
    expect(shown).toEqual([panel]);
    expect(panel.style.left).toBe("100px");
    expect(panel.style.top).toBe("224px"); // 4 px under the badge
    // Still in the badge's shadow root: our styles, and the tab order runs into it.
    expect(panel.getRootNode()).toBeInstanceOf(ShadowRoot);
  });

  it("stays inside the viewport: shifted left at the right edge, above the badge near the bottom", () => {
    const { panel } = openBadge(boxAt(1200, 600, 80, 20));
    expect(panel.style.left).toBe(`${1280 - 352 - 8}px`);
    expect(panel.style.top).toBe(`${600 - 4 - 300}px`);
  });

  it("is shortened to the roomier side when it fits on neither", () => {
    const { panel } = openBadge(boxAt(100, 300, 80, 20), { width: 352, height: 600 });
    expect(panel.style.top).toBe("324px");
    expect(panel.style.maxHeight).toBe(`${720 - 320 - 4 - 8}px`);
  });

  it("takes the focus without scrolling anything, and gives it back on Escape", () => {
    const focus = vi.spyOn(HTMLElement.prototype, "focus");
    const { badge, panel } = openBadge(boxAt(100, 200, 80, 20));
    expect(focus).toHaveBeenCalledTimes(1);
    expect(focus.mock.calls[0]?.[0]).toEqual({ preventScroll: true });
    const root = badge.host.shadowRoot as ShadowRoot;
    root.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }));
    expect(panel.hidden).toBe(true);
    expect(shown).toEqual([]);
    expect(focus.mock.calls.at(-1)?.[0]).toEqual({ preventScroll: true });
    expect(root.activeElement?.className).toBe("badge");
  });

  it("closes on a click outside, follows the badge when the page scrolls", async () => {
    const { badge, panel } = openBadge(boxAt(100, 200, 80, 20));
    moveBadge(boxAt(100, 150, 80, 20));
    window.dispatchEvent(new Event("scroll"));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(panel.style.top).toBe("174px");
    document.body.dispatchEvent(new Event("pointerdown", { bubbles: true, composed: true }));
    expect(panel.hidden).toBe(true);
    expect(badge.isOpen()).toBe(false);
  });

  it("falls back to position: fixed where there is no Popover API", () => {
    const prototype = HTMLElement.prototype as unknown as Record<string, unknown>;
    delete prototype.showPopover;
    delete prototype.hidePopover;
    const { badge, panel } = openBadge(boxAt(100, 200, 80, 20));
    expect(panel.hasAttribute("popover")).toBe(false);
    expect(panel.hidden).toBe(false);
    expect(panel.style.top).toBe("224px");
    badge.toggle();
    expect(panel.hidden).toBe(true);
  });
});
