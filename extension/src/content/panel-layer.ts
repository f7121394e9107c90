// The badge's panel, drawn above the page. The badge sits in the site's layout,
// where an ancestor with `overflow: hidden` (Hacker News' title cell) or a transform
// (virtualised lists) would clip or misplace anything positioned inside it. So the
// panel is a `popover` in the top layer, which no ancestor clips, placed under the
// badge from its bounding box and kept there while the page scrolls or resizes.
// (Without the Popover API it is position: fixed in the same place.) It stays in the
// badge's shadow root: our styles apply, the site's do not, and the tab order runs
// from the badge into the panel.

/** Space between the badge and the panel, and between the panel and the viewport's edges. */
const GAP_PX = 4;
const EDGE_PX = 8;

export class PanelLayer {
  readonly element: HTMLElement;
  private frame: number | null = null;
  private readonly onScrollOrResize = (): void => {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = null;
      if (this.isOpen()) this.place();
    });
  };
  private readonly onOutsidePointer = (event: Event): void => {
    if (!event.composedPath().includes(this.root.host)) this.dismiss(false);
  };
  private readonly onKey = (event: Event): void => {
    if ((event as KeyboardEvent).key === "Escape" && this.isOpen()) this.dismiss(true);
  };

  constructor(
    private readonly root: ShadowRoot,
    private readonly badge: HTMLElement,
    /** The user closed the panel (Escape: `returnFocus`; a click elsewhere: not). */
    private readonly dismiss: (returnFocus: boolean) => void,
  ) {
    this.element = document.createElement("div");
    this.element.className = "panel";
    this.element.id = "panel";
    this.element.tabIndex = -1;
    this.element.hidden = true;
    this.element.setAttribute("role", "dialog");
    this.element.setAttribute("aria-label", "Seenby");
    // Manual: the browser's light dismiss would also close the site's own popovers.
    if (supportsPopover(this.element)) this.element.setAttribute("popover", "manual");
    badge.setAttribute("aria-controls", "panel");
    root.addEventListener("keydown", this.onKey);
    root.append(this.element);
  }

  isOpen(): boolean {
    return !this.element.hidden;
  }

  show(): void {
    this.element.hidden = false;
    if (this.element.hasAttribute("popover")) this.element.showPopover();
    this.place();
    document.addEventListener("pointerdown", this.onOutsidePointer, true);
    window.addEventListener("scroll", this.onScrollOrResize, { capture: true, passive: true });
    window.addEventListener("resize", this.onScrollOrResize, { passive: true });
    // No scrolling: focusing must never move the site's page or scroll its containers.
    (this.element.querySelector("button") ?? this.element).focus({ preventScroll: true });
  }

  hide(): void {
    if (this.element.hasAttribute("popover")) {
      try {
        this.element.hidePopover();
      } catch {
        // already hidden: the site removed the badge, which takes the popover out of the top layer
      }
    }
    this.element.hidden = true;
    document.removeEventListener("pointerdown", this.onOutsidePointer, true);
    window.removeEventListener("scroll", this.onScrollOrResize, { capture: true });
    window.removeEventListener("resize", this.onScrollOrResize);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  /**
   * Under the badge; above it when only there is room; else on the roomier side,
   * shortened to fit (its content scrolls). Always inside the viewport.
   */
  private place(): void {
    if (!this.badge.isConnected) {
      this.dismiss(false); // the site removed the post
      return;
    }
    const style = this.element.style;
    style.maxHeight = "";
    const anchor = this.badge.getBoundingClientRect();
    const width = this.element.offsetWidth;
    const height = this.element.offsetHeight;
    // The viewport without scroll bars: the scrolling element's client box (the body in quirks mode, as on Hacker News).
    const viewport = document.scrollingElement ?? document.documentElement;
    const viewportWidth = viewport.clientWidth || window.innerWidth;
    const viewportHeight = viewport.clientHeight || window.innerHeight;
    const below = viewportHeight - anchor.bottom - GAP_PX - EDGE_PX;
    const above = anchor.top - GAP_PX - EDGE_PX;
    const downwards = height <= below || (height > above && below >= above);
    const room = Math.max(downwards ? below : above, 0);
    if (height > room) style.maxHeight = `${Math.floor(room)}px`;
    const shown = Math.min(height, room);
    const top = downwards ? anchor.bottom + GAP_PX : anchor.top - GAP_PX - shown;
    const left = Math.max(EDGE_PX, Math.min(anchor.left, viewportWidth - width - EDGE_PX));
    style.left = `${Math.round(left)}px`;
    style.top = `${Math.round(top)}px`;
  }
}

function supportsPopover(element: HTMLElement): boolean {
  return typeof element.showPopover === "function" && typeof element.hidePopover === "function";
}
