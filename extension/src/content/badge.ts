// The badge next to a post and its panel, in an open shadow root (the site's CSS
// stays out, ours stays in; tests can look inside).

import type { Overlay } from "../shared/types";
import { OVERLAY_CSS } from "./styles";
import { renderPanel } from "./panel";
import { PanelLayer } from "./panel-layer";
import type { Theme } from "./theme";

export const BADGE_TAG = "seenby-badge";

export type BadgeState = { kind: "loading" } | { kind: "unavailable" } | { kind: "overlay"; overlay: Overlay };

/** Events that must not reach the site (its click handlers open the post, its keys are shortcuts). */
const CONTAINED_EVENTS = ["click", "dblclick", "mousedown", "mouseup", "pointerdown", "pointerup", "keydown", "keyup", "keypress", "input"];

const badgeOfHost = new WeakMap<Element, BadgeView>();
let listening = false;

/**
 * A badge adds its listeners when the first of its events comes: one capturing
 * listener per contained event type on the window sees each event before any badge
 * does and has that badge add its own, which the event then reaches (a node's
 * listeners are read when the event gets to it). So making a badge adds no listeners.
 */
function listenForBadgeEvents(): void {
  if (listening) return;
  listening = true;
  const wake = (event: Event): void => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    // Browsers retarget an event from inside a shadow root to its host; DOM emulations
    // may not, so the root's host is looked at too.
    const host = target.localName === BADGE_TAG ? target : (target.getRootNode() as Partial<ShadowRoot>).host;
    if (host) badgeOfHost.get(host)?.listen();
  };
  for (const type of CONTAINED_EVENTS) window.addEventListener(type, wake, true);
}

let sharedSheet: CSSStyleSheet | null | undefined;

/** Parses the shared stylesheet once; called at idle time so the first badges do not pay for it. */
export function prepareStyles(): void {
  if (sharedSheet !== undefined) return;
  try {
    sharedSheet = new CSSStyleSheet();
    sharedSheet.replaceSync(OVERLAY_CSS);
  } catch {
    sharedSheet = null;
  }
}

/** One parsed stylesheet shared by every badge; a <style> each where that is not supported. */
function adoptStyles(root: ShadowRoot): void {
  prepareStyles();
  if (sharedSheet) {
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

const LOADING_LOOK: BadgeLook = { text: "Seenby …", tone: "neutral", label: "Seenby: loading", busy: true };

function lookOf(state: BadgeState): BadgeLook {
  if (state.kind === "loading") return LOADING_LOOK;
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

/** The badge button as every badge starts (loading): cloned, which is cheaper than building each. */
let buttonTemplate: HTMLButtonElement | null = null;

function newButton(): HTMLButtonElement {
  if (buttonTemplate === null) {
    buttonTemplate = document.createElement("button");
    buttonTemplate.type = "button";
    buttonTemplate.className = "badge";
    buttonTemplate.setAttribute("aria-expanded", "false");
    buttonTemplate.setAttribute("aria-haspopup", "dialog");
    buttonTemplate.setAttribute("data-tone", LOADING_LOOK.tone);
    buttonTemplate.setAttribute("aria-label", LOADING_LOOK.label);
    buttonTemplate.setAttribute("title", LOADING_LOOK.label);
    buttonTemplate.setAttribute("aria-busy", "true");
    buttonTemplate.append(document.createTextNode(LOADING_LOOK.text));
  }
  return buttonTemplate.cloneNode(true) as HTMLButtonElement;
}

function setAttribute(element: Element, name: string, value: string | null): void {
  if (value === null) element.removeAttribute(name);
  else element.setAttribute(name, value);
}

export class BadgeView {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly button: HTMLButtonElement;
  private readonly text: Text;
  private panel: PanelLayer | null = null;
  private listening = false;
  private state: BadgeState = { kind: "loading" };
  /** What the button shows: compared in script, so an update that changes nothing reads no DOM. */
  private shown: BadgeLook = LOADING_LOOK;
  private shownPostId: string;
  private theme: Theme;

  /** A badge showing the placeholder (its button is cloned in that state). */
  constructor(
    postId: string,
    theme: Theme,
    private readonly replyBoxSelector: string | null,
  ) {
    this.shownPostId = postId;
    this.theme = theme;
    this.host = document.createElement(BADGE_TAG);
    this.host.setAttribute("data-seenby-post-id", postId);
    this.host.setAttribute("data-theme", theme);
    this.root = this.host.attachShadow({ mode: "open" });
    this.button = newButton();
    this.text = this.button.firstChild as Text;
    adoptStyles(this.root);
    this.root.append(this.button);
    badgeOfHost.set(this.host, this);
    listenForBadgeEvents();
  }

  /** Adds the badge's listeners (see listenForBadgeEvents); once. */
  listen(): void {
    if (this.listening) return;
    this.listening = true;
    // One listener object for every contained event: our events stay ours, and the
    // button's own behaviour needs no listeners of its own.
    for (const type of CONTAINED_EVENTS) this.root.addEventListener(type, this);
  }

  /** Every event in CONTAINED_EVENTS that happens inside the badge. */
  handleEvent(event: Event): void {
    event.stopPropagation();
    const onButton = event.target === this.button;
    if (event.type === "click") {
      // The badge sits after a site's links, but a post that is a link as a whole still holds it.
      event.preventDefault();
      if (onButton) this.toggle();
    } else if (onButton && event.type === "keydown") {
      this.onButtonKey(event as KeyboardEvent);
    } else if (onButton && event.type === "keyup" && (event as KeyboardEvent).key === " ") {
      event.preventDefault(); // Space activates a button on keyup; we toggled on keydown already
    }
  }

  get postId(): string {
    return this.shownPostId;
  }

  /** The site reused the post's node for another post. */
  set postId(postId: string) {
    this.shownPostId = postId;
    this.host.setAttribute("data-seenby-post-id", postId);
  }

  update(state: BadgeState): void {
    this.state = state;
    this.render();
  }

  /** The site's theme was read (or changed): light or dark styles. */
  setTheme(theme: Theme): void {
    if (this.theme === theme) return;
    this.theme = theme;
    this.host.setAttribute("data-theme", theme);
  }

  /** Writes only what changed: most updates repeat what the badge shows. */
  private render(): void {
    const look = lookOf(this.state);
    const shown = this.shown;
    this.shown = look;
    if (shown.text !== look.text) this.text.data = look.text;
    if (shown.tone !== look.tone) setAttribute(this.button, "data-tone", look.tone);
    if (shown.label !== look.label) {
      setAttribute(this.button, "aria-label", look.label);
      setAttribute(this.button, "title", look.label);
    }
    if (shown.busy !== look.busy) setAttribute(this.button, "aria-busy", look.busy ? "true" : null);
    if (this.panel?.isOpen()) this.fillPanel(this.panel.element);
  }

  private fillPanel(panel: HTMLElement): void {
    renderPanel(panel, this.state, this.replyBoxSelector, () => this.close());
  }

  private onButtonKey(event: KeyboardEvent): void {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault(); // no synthetic click after the keydown: one toggle per key press
    this.toggle();
  }

  isOpen(): boolean {
    return this.panel?.isOpen() ?? false;
  }

  toggle(): void {
    if (this.isOpen()) this.close();
    else this.open();
  }

  private open(): void {
    this.panel ??= new PanelLayer(this.root, this.button, (returnFocus) => this.close(returnFocus));
    this.fillPanel(this.panel.element);
    this.button.setAttribute("aria-expanded", "true");
    this.panel.show();
  }

  /** `returnFocus`: false when the user clicked elsewhere (the focus goes where they clicked). */
  private close(returnFocus = true): void {
    if (!this.panel?.isOpen()) return;
    this.panel.hide();
    this.button.setAttribute("aria-expanded", "false");
    if (returnFocus) this.button.focus({ preventScroll: true });
  }
}
