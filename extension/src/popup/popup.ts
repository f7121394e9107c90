// The toolbar popup: pairing, connection, queue, per-site switches, pause, and host
// permissions. Every text goes in with textContent; the state comes from the worker.

import type { ActionResult, DashboardResult, ExtensionState, HostPermissionRequest, ToBackground } from "../shared/types";
import { canOpenDashboard, connectionStatus, formatQueue, formatWhen, apiReferenceUrl } from "./format";

const REFRESH_MS = 3_000;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`popup.html lacks #${id}`);
  return found as T;
}

const view = {
  status: element<HTMLParagraphElement>("status"),
  openDashboard: element<HTMLButtonElement>("open-dashboard"),
  dashboardMessage: element<HTMLParagraphElement>("dashboard-message"),
  pairing: element<HTMLDetailsElement>("pairing"),
  pairForm: element<HTMLFormElement>("pair-form"),
  server: element<HTMLInputElement>("server"),
  code: element<HTMLInputElement>("code"),
  pairButton: element<HTMLButtonElement>("pair"),
  pairMessage: element<HTMLParagraphElement>("pair-message"),
  paused: element<HTMLInputElement>("paused"),
  queueSize: element<HTMLElement>("queue-size"),
  dropped: element<HTMLElement>("dropped"),
  rejected: element<HTMLElement>("rejected"),
  lastCapture: element<HTMLElement>("last-capture"),
  lastSent: element<HTMLElement>("last-sent"),
  lastError: element<HTMLParagraphElement>("last-error"),
  lastRejection: element<HTMLParagraphElement>("last-rejection"),
  noSites: element<HTMLParagraphElement>("no-sites"),
  sites: element<HTMLUListElement>("sites"),
  permissions: element<HTMLUListElement>("permissions"),
  apiReference: element<HTMLAnchorElement>("api-reference"),
};

let current: ExtensionState | null = null;
let serverFieldTouched = false;

async function ask<T>(message: ToBackground): Promise<T | null> {
  try {
    return (await chrome.runtime.sendMessage(message)) as T | null;
  } catch {
    return null;
  }
}

function showMessage(target: HTMLElement, text: string, tone: "good" | "bad" | null = null): void {
  target.textContent = text;
  if (tone) target.dataset.tone = tone;
  else delete target.dataset.tone;
}

function renderSites(state: ExtensionState): void {
  view.noSites.hidden = state.platforms.length > 0;
  const focusedPlatform = (document.activeElement as HTMLElement | null)?.dataset?.platform;
  view.sites.replaceChildren(
    ...state.platforms.map((platform) => {
      const item = document.createElement("li");
      const label = document.createElement("label");
      const toggle = document.createElement("input");
      toggle.type = "checkbox";
      toggle.setAttribute("role", "switch");
      toggle.checked = platform.enabled;
      toggle.dataset.platform = platform.name;
      toggle.addEventListener("change", () => void setPlatformEnabled(platform.name, toggle.checked));
      label.append(toggle, ` ${platform.label}`);
      const hosts = document.createElement("span");
      hosts.className = "hosts";
      hosts.textContent = platform.hosts.join(", ");
      item.append(label, hosts);
      return item;
    }),
  );
  // Re-rendering replaces the switches: keep keyboard focus where it was.
  if (focusedPlatform) view.sites.querySelector<HTMLInputElement>(`input[data-platform="${CSS.escape(focusedPlatform)}"]`)?.focus();
}

function renderPermissions(requests: HostPermissionRequest[]): void {
  view.permissions.replaceChildren(
    ...requests.map((request) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `Allow on ${request.host}`;
      button.title = `Let Seenby run on ${request.host} (${request.label})`;
      button.addEventListener("click", () => allowHost(request.origin));
      item.append(button);
      return item;
    }),
  );
}

function render(state: ExtensionState): void {
  current = state;
  const status = connectionStatus(state);
  view.status.textContent = status.text;
  view.status.dataset.tone = status.tone;
  view.openDashboard.hidden = !canOpenDashboard(state);
  if (!serverFieldTouched && document.activeElement !== view.server) view.server.value = state.server;
  if (!state.paired) view.pairing.open = true;
  view.paused.checked = state.paused;
  view.queueSize.textContent = formatQueue(state);
  view.dropped.textContent = state.dropped.toLocaleString();
  view.rejected.textContent = state.rejected.toLocaleString();
  const now = Date.now();
  view.lastCapture.textContent = formatWhen(state.lastCaptureAt, now);
  view.lastSent.textContent = formatWhen(state.lastSentAt, now);
  view.lastError.hidden = !state.lastError;
  view.lastError.textContent = state.lastError ?? "";
  view.lastRejection.hidden = !state.lastRejection;
  view.lastRejection.textContent = state.lastRejection ? `Last rejection: ${state.lastRejection}` : "";
  renderSites(state);
  renderPermissions(state.needsPermission);
  view.apiReference.href = apiReferenceUrl(state.server);
}

async function refresh(): Promise<void> {
  const state = await ask<ExtensionState>({ type: "get-state" });
  if (state) render(state);
  else view.status.textContent = "The extension's background is not answering";
}

async function applySettings(settings: Extract<ToBackground, { type: "set-settings" }>["settings"]): Promise<void> {
  const result = await ask<ActionResult>({ type: "set-settings", settings });
  if (result?.ok) render(result.state);
  else await refresh(); // puts the switch back where the worker has it
}

function setPlatformEnabled(name: string, enabled: boolean): Promise<void> {
  const disabled = new Set(current?.platforms.filter((p) => !p.enabled).map((p) => p.name));
  if (enabled) disabled.delete(name);
  else disabled.add(name);
  return applySettings({ disabledPlatforms: [...disabled] });
}

function allowHost(origin: string): void {
  // Called straight from the click: the permission prompt needs the user's gesture.
  chrome.permissions.request({ origins: [origin] }).then(
    async (granted) => {
      if (granted) await ask({ type: "request-host", origin });
      await refresh();
    },
    () => void refresh(),
  );
}

view.server.addEventListener("input", () => {
  serverFieldTouched = true;
});

view.pairForm.addEventListener("submit", (event) => {
  event.preventDefault();
  view.pairButton.disabled = true;
  showMessage(view.pairMessage, "Pairing…");
  void ask<ActionResult>({ type: "pair", server: view.server.value, code: view.code.value })
    .then((result) => {
      if (result?.ok) {
        view.code.value = "";
        serverFieldTouched = false;
        showMessage(view.pairMessage, "Paired.", "good");
        render(result.state);
        view.pairing.open = false;
      } else {
        showMessage(view.pairMessage, result ? result.error : "The extension's background did not answer.", "bad");
      }
    })
    .finally(() => {
      view.pairButton.disabled = false;
    });
});

view.openDashboard.addEventListener("click", () => {
  view.openDashboard.disabled = true;
  showMessage(view.dashboardMessage, "Opening…");
  void ask<DashboardResult>({ type: "open-dashboard" })
    .then(async (result) => {
      // On success the new tab takes the focus, which usually closes the popup.
      if (result?.ok) showMessage(view.dashboardMessage, "");
      else showMessage(view.dashboardMessage, result ? result.error : "The extension's background did not answer.", "bad");
      await refresh(); // a server found down hides the button; the message stays
    })
    .finally(() => {
      view.openDashboard.disabled = false;
    });
});

view.paused.addEventListener("change", () => void applySettings({ paused: view.paused.checked }));

void refresh();
setInterval(() => void refresh(), REFRESH_MS);
