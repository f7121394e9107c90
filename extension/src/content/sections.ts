// The panel's sections. Plugin output and post text are hostile: everything is
// built with createElement/textContent, never parsed as HTML.

import type { ReplyDraft, Section } from "../shared/types";
import { insertIntoReplyBox } from "./reply-box";

const SVG = "http://www.w3.org/2000/svg";

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

export function button(label: string, onClick: () => void): HTMLButtonElement {
  const node = element("button", label);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/** A polyline scaled into a 100×32 box; built from numbers only. */
export function sparkline(values: number[]): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 100 32");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  const numbers = values.filter((value) => Number.isFinite(value));
  if (numbers.length > 0) {
    const low = Math.min(...numbers);
    const high = Math.max(...numbers);
    const span = high - low || 1;
    const step = numbers.length > 1 ? 100 / (numbers.length - 1) : 0;
    const points = numbers.map((value, index) => `${(index * step).toFixed(2)},${(30 - ((value - low) / span) * 28).toFixed(2)}`);
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.join(" "));
    svg.append(line);
    svg.setAttribute("aria-label", `${numbers.length} values from ${low} to ${high}`);
  }
  return svg;
}

function suggestion(draft: ReplyDraft, replyBoxSelector: string | null): HTMLElement {
  const box = element("div", undefined, "suggestion");
  const status = element("p", "", "status");
  status.setAttribute("role", "status");
  const copy = button("Copy", () => {
    const failed = (): void => {
      status.textContent = "Copy failed: the page does not allow clipboard access.";
    };
    try {
      navigator.clipboard.writeText(draft.text).then(() => (status.textContent = "Copied."), failed);
    } catch {
      failed(); // no clipboard API on this page (e.g. not a secure context)
    }
  });
  const insert = button("Insert into reply box", () => {
    status.textContent = insertIntoReplyBox(replyBoxSelector, draft.text)
      ? "Inserted."
      : "No reply box on this page: open the reply box first.";
  });
  const actions = element("div", undefined, "actions");
  actions.append(copy, insert);
  box.append(element("p", draft.text, "draft"), element("p", draft.reason, "reason"), actions, status);
  return box;
}

export function renderSection(section: Section, replyBoxSelector: string | null): HTMLElement {
  const container = element("section");
  container.append(element("h3", section.title));
  switch (section.kind) {
    case "text":
      container.append(element("p", section.text ?? ""));
      break;
    case "list": {
      const list = element("ul");
      for (const item of section.items) list.append(element("li", item));
      container.append(list);
      break;
    }
    case "sparkline":
      container.append(sparkline(section.values));
      if (section.text) container.append(element("p", section.text, "muted"));
      break;
    case "suggestions":
      for (const draft of section.suggestions) container.append(suggestion(draft, replyBoxSelector));
      break;
  }
  return container;
}

