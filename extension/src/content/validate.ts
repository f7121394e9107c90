// Shape checks for everything that crosses into the content script: events from
// the page (hostile: any script on the page can forge them) and messages from the
// background (trusted, but a version mismatch must not break the page).

import type { Badge, InterceptedExchange, Overlay, Platform, ReplyDraft, Rules, Section } from "../shared/types";

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}

function isArrayOf<T>(value: unknown, check: (item: unknown) => item is T): value is T[] {
  return Array.isArray(value) && value.every(check);
}

/** The detail of a `seenby:exchange` event: a JSON string of an InterceptedExchange. */
export function parseExchange(detail: unknown): InterceptedExchange | null {
  if (!isString(detail)) return null;
  let value: unknown;
  try {
    value = JSON.parse(detail);
  } catch {
    return null;
  }
  if (
    !isObject(value) ||
    !isString(value.url) ||
    !/^https?:\/\//i.test(value.url) ||
    !isString(value.method) ||
    typeof value.status !== "number" ||
    !isStringOrNull(value.requestBody) ||
    !isString(value.responseText) ||
    !isString(value.contentType) ||
    typeof value.at !== "number"
  ) {
    return null;
  }
  return {
    url: value.url,
    method: value.method.toUpperCase(),
    status: value.status,
    requestBody: value.requestBody,
    responseText: value.responseText,
    contentType: value.contentType,
    at: value.at,
  };
}

function hasRuleLists(platform: Fields): boolean {
  return ["api", "documents", "actions", "dom_actions"].every((key) => Array.isArray(platform[key]));
}

function isPlatform(value: unknown): value is Platform {
  return (
    isObject(value) &&
    isString(value.name) &&
    isString(value.label) &&
    isArrayOf(value.hosts, isString) &&
    typeof value.any_host === "boolean" &&
    hasRuleLists(value) &&
    (value.locator === null || (isObject(value.locator) && isString(value.locator.post_selector)))
  );
}

export function isRules(value: unknown): value is Rules {
  return isObject(value) && isString(value.version) && isArrayOf(value.platforms, isPlatform);
}

const TONES = new Set<Badge["tone"]>(["neutral", "info", "good", "warn"]);
const SECTION_KINDS = new Set<Section["kind"]>(["text", "list", "sparkline", "suggestions"]);

function toBadge(value: unknown): Badge | null {
  if (!isObject(value) || !isString(value.text) || !isStringOrNull(value.title ?? null)) return null;
  const tone = TONES.has(value.tone as Badge["tone"]) ? (value.tone as Badge["tone"]) : "neutral";
  return { text: value.text, title: (value.title as string | null | undefined) ?? null, tone };
}

function isDraft(value: unknown): value is ReplyDraft {
  return isObject(value) && isString(value.text) && isString(value.reason);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function toSection(value: unknown): Section | null {
  if (!isObject(value) || !isString(value.title) || !SECTION_KINDS.has(value.kind as Section["kind"])) return null;
  return {
    title: value.title,
    kind: value.kind as Section["kind"],
    text: isString(value.text) ? value.text : null,
    items: isArrayOf(value.items, isString) ? value.items : [],
    values: Array.isArray(value.values) ? value.values.filter(isFiniteNumber) : [],
    suggestions: Array.isArray(value.suggestions) ? value.suggestions.filter(isDraft) : [],
  };
}

/** An overlay with only the parts we know how to show; null when it is not one. */
export function toOverlay(value: unknown): Overlay | null {
  if (!isObject(value) || !isString(value.platform) || !isString(value.post_id) || typeof value.known !== "boolean") {
    return null;
  }
  const badges = Array.isArray(value.badges) ? value.badges.map(toBadge) : [];
  const sections = Array.isArray(value.sections) ? value.sections.map(toSection) : [];
  return {
    platform: value.platform,
    post_id: value.post_id,
    known: value.known,
    badges: badges.filter((badge): badge is Badge => badge !== null),
    sections: sections.filter((section): section is Section => section !== null),
    errors: isArrayOf(value.errors, isString) ? value.errors : [],
  };
}

export function toOverlays(value: unknown): Overlay[] | null {
  if (!Array.isArray(value)) return null;
  return value.map(toOverlay).filter((overlay): overlay is Overlay => overlay !== null);
}
