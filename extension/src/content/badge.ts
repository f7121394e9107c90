// The badge next to a post and its panel, in an open shadow root (the site's CSS
// stays out, ours stays in; tests can look inside).

import type { Overlay } from "../shared/types";
import { OVERLAY_CSS } from "./styles";
import { renderPanel } from "./panel";
import type { Theme } from "./theme";

export const BADGE_TAG = "seenby-badge";

export type BadgeState = { kind: "loading" } | { kind: "unavailable" } | { kind: "overlay"; overlay: Overlay };

/** Events that must not reach the site (its click handlers open the post, its keys are shortcuts). */
const CONTAINED_EVENTS = ["click", "dblclick", "mousedown", "mouseup", "pointerdown", "pointerup", "keydown", "keyup", "keypress", "input"];

let sharedSheet: CSSStyleSheet | null | undefined;

/** One parsed stylesheet shared by every badge; a <style> each where that is not supported. */
function adoptStyles(root: ShadowRoot): void {
  if (sharedSheet === undefined) {
    try {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(OVERLAY_CSS);
    } catch {
      sharedSheet = null;
    }
  }
  if (sharedSheet !== null) {
    try {
      root.adoptedStyleSheets = [sharedSheet];
      return;
    } catch {
      sharedSheet = null; // e.g. Firefox content scripts' Xray wrappers
    }
  }
  const style = document.createElement("style");
  style.textContent = OVERLAY_CSS;
  root.append(style);
}

interface BadgeLook {
  text: string;
  tone: string;
  label: string;
  busy: boolean;
}

function lookOf(state: BadgeState): BadgeLook {
  if (state.kind === "loading") return { text: "Seenby …", tone: "neutral", label: "Seenby: loading", busy: true };
  if (state.kind === "unavailable") {
    return { text: "Seenby offline", tone: "neutral", label: "Seenby: the server did not answer", busy: false };
  }
  const { overlay } = state;
  const errors = overlay.errors.length > 0 ? ` (failed: ${overlay.errors.join(", ")})` : "";
  if (!overlay.known) return { text: "no data yet", tone: "neutral", label: `Seenby: no data yet${errors}`, busy: false };
  const texts = overlay.badges.map((badge) => badge.text).filter((text) => text !== "");
  const titles = overlay.badges.map((badge) => badge.title ?? badge.text).filter((title) => title !== "");
  return {
    text: texts.join(" · ") || "Seenby",
    tone: overlay.badges[0]?.tone ?? "neutral",
    label: `Seenby: ${titles.join("; ") || "no details"}${errors}`,
    busy: false,
  };
}

export class BadgeView {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly button: HTMLButtonElement;
  private panel: HTMLElement | null = null;
  private state: BadgeState = { kind: "loading" };
  private readonly closeOnOutsidePointer = (event: Event): void => {
    if (!event.composedPath().includes(this.host)) this.close(false);
  };

  constructor(
    postId: string,
    theme: Theme,
    private readonly replyBoxSelector: string | null,
  ) {
    this.host = document.createElement(BADGE_TAG);
    this.host.setAttribute("data-seenby-post-id", postId);
    this.host.setAttribute("data-theme", theme);
    this.root = this.host.attachShadow({ mode: "open" });
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "badge";
    this.button.setAttribute("aria-expanded", "false");
    this.button.setAttribute("aria-haspopup", "dialog");
    this.button.addEventListener("click", () => this.toggle());
    this.button.addEventListener("keydown", (event) => this.onButtonKey(event));
    // Space activates a button on keyup; we toggled on keydown already.
    this.button.addEventListener("keyup", (event) => event.key === " " && event.preventDefault());
    this.root.addEventListener("keydown", (event) => {
      if ((event as KeyboardEvent).key === "Escape" && this.isOpen()) this.close(true);
    });
    for (const type of CONTAINED_EVENTS) {
      this.root.addEventListener(type, (event) => {
        event.stopPropagation();
        if (type === "click") event.preventDefault(); // the badge may sit inside a link
      });
    }
    adoptStyles(this.root);
    this.root.append(this.button);
    this.render();
  }

  get postId(): string {
    return this.host.getAttribute("data-seenby-post-id") ?? "";
  }

  /** The site reused the post's node for another post. */
  set postId(postId: string) {
    this.host.setAttribute("data-seenby-post-id", postId);
  }

  update(state: BadgeState): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    const look = lookOf(this.state);
    this.button.textContent = look.text;
    this.button.setAttribute("data-tone", look.tone);
    this.button.setAttribute("aria-label", look.label);
    this.button.title = look.label;
    if (look.busy) this.button.setAttribute("aria-busy", "true");
    else this.button.removeAttribute("aria-busy");
    if (this.panel && this.isOpen()) renderPanel(this.panel, this.state, this.replyBoxSelector, () => this.close(true));
  }

  private onButtonKey(event: KeyboardEvent): void {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault(); // no synthetic click after the keydown: one toggle per key press
    this.toggle();
  }

  isOpen(): boolean {
    return this.panel !== null && !this.panel.hidden;
  }

  toggle(): void {
    if (this.isOpen()) this.close(true);
    else this.open();
  }

  private open(): void {
    if (this.panel === null) {
      this.panel = document.createElement("div");
      this.panel.className = "panel";
      this.panel.id = "panel";
      this.panel.tabIndex = -1;
      this.panel.setAttribute("role", "dialog");
      this.panel.setAttribute("aria-label", "Seenby");
      this.button.setAttribute("aria-controls", "panel");
      this.root.append(this.panel);
    }
    this.panel.hidden = false;
    renderPanel(this.panel, this.state, this.replyBoxSelector, () => this.close(true));
    this.button.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", this.closeOnOutsidePointer, true);
    (this.panel.querySelector("button") ?? this.panel).focus();
  }

  private close(returnFocus: boolean): void {
    if (this.panel === null) return;
    this.panel.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", this.closeOnOutsidePointer, true);
    if (returnFocus) this.button.focus();
  }
}
