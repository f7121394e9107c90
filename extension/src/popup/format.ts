// What the popup says about the extension's state. Pure, so it is tested without a DOM.

import type { ExtensionState } from "../shared/types";

export type Tone = "good" | "warn" | "bad";

export function connectionStatus(state: ExtensionState): { text: string; tone: Tone } {
  if (!state.paired) return { text: "Not paired", tone: "warn" };
  if (!state.connected) return { text: "Server unreachable", tone: "bad" };
  if (state.paused) return { text: "Connected · paused", tone: "warn" };
  return { text: "Connected", tone: "good" };
}

/** The dashboard needs the server's link, so the button shows only while the server answers. */
export function canOpenDashboard(state: ExtensionState): boolean {
  return state.paired && state.connected;
}

/** "just now", "5 min ago", "3 h ago", else the local date and time. */
export function formatWhen(iso: string | null, now: number): string {
  if (!iso) return "never";
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "unknown";
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(at).toLocaleString();
}

export function formatQueue(state: ExtensionState): string {
  return `${state.queueSize.toLocaleString()} of ${state.queueLimit.toLocaleString()}`;
}

/** The server's API reference (its OpenAPI schema browser); the dashboard has the status. */
export function apiReferenceUrl(server: string): string {
  return new URL("/schema", server).href;
}
