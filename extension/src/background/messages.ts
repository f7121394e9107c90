// Shapes of the messages the worker accepts. Content scripts run next to hostile pages,
// so nothing is trusted before it is checked here. Pure.

import type { Capture, CaptureKind, ToBackground } from "../shared/types";

const KINDS: ReadonlySet<CaptureKind> = new Set(["api", "document", "action", "impression", "dom", "viewer"]);
/** One message's captures; the server takes at most 1,000 per request. */
export const MAX_CAPTURES_PER_MESSAGE = 500;
/** The server answers at most 500 post ids per overlay request. */
export const MAX_OVERLAY_IDS = 500;

type Shape = Record<string, unknown>;
const isObject = (value: unknown): value is Shape => typeof value === "object" && value !== null;
const isText = (value: unknown, max = 100_000): value is string => typeof value === "string" && value.length <= max;

export function isCapture(value: unknown): value is Capture {
  return (
    isObject(value) &&
    isText(value.id, 100) &&
    value.id.length > 0 &&
    typeof value.kind === "string" &&
    KINDS.has(value.kind as CaptureKind) &&
    isText(value.url) &&
    isText(value.method, 20) &&
    typeof value.status === "number" &&
    isText(value.page_url) &&
    isText(value.captured_at, 64) &&
    "body" in value &&
    (value.platform === undefined || isText(value.platform, 100)) &&
    (value.operation === undefined || isText(value.operation, 200))
  );
}

/** The message if it is one the worker knows, with every field checked; else null. */
export function parseMessage(message: unknown): ToBackground | null {
  if (!isObject(message) || typeof message.type !== "string") return null;
  switch (message.type) {
    case "get-rules":
    case "get-state":
    case "open-dashboard":
      return { type: message.type };
    case "captures": {
      const captures = message.captures;
      if (!Array.isArray(captures) || captures.length > MAX_CAPTURES_PER_MESSAGE) return null;
      return captures.every(isCapture) ? { type: "captures", captures } : null;
    }
    case "get-overlays": {
      const ids = message.post_ids;
      if (!isText(message.platform, 100) || !Array.isArray(ids) || ids.length > MAX_OVERLAY_IDS) return null;
      if (!ids.every((id) => isText(id, 500))) return null;
      return { type: "get-overlays", platform: message.platform, post_ids: ids as string[] };
    }
    case "pair":
      if (!isText(message.server, 500) || !isText(message.code, 100)) return null;
      return { type: "pair", server: message.server, code: message.code };
    case "set-settings":
      return isObject(message.settings) ? { type: "set-settings", settings: message.settings } : null;
    case "request-host":
      return isText(message.origin, 500) ? { type: "request-host", origin: message.origin } : null;
    default:
      return null;
  }
}

/**
 * Messages that change settings or pairing, or log a tab in to the dashboard: only the
 * extension's own pages may send them, never a content script next to a hostile page.
 */
export function isPrivileged(message: ToBackground): boolean {
  return (
    message.type === "pair" || message.type === "set-settings" || message.type === "request-host" || message.type === "open-dashboard"
  );
}
