// The BrowserPort of the real extension: thin wrappers around chrome.*.

import type { ToContent } from "../shared/types";
import type { BrowserPort } from "./app";
import { grantedOrigins, manifestHostPatterns, syncDynamicHosts } from "./dynamic-hosts";
import { browserName } from "./server-client";

export const FLUSH_ALARM = "seenby-flush";
export const RULES_ALARM = "seenby-rules";
/** chrome.alarms' smallest period in released Chromium is 30 s; a minute is plenty here. */
const FLUSH_ALARM_MINUTES = 1;
export const RULES_ALARM_MINUTES = 5;

function sendToTab(tabId: number, message: ToContent): void {
  // A tab that closed or has no content script rejects: nothing to do about it.
  chrome.tabs.sendMessage(tabId, message).catch(() => undefined);
}

export async function ensureAlarm(name: string, periodInMinutes: number): Promise<void> {
  if (!(await chrome.alarms.get(name))) await chrome.alarms.create(name, { periodInMinutes });
}

export const chromePort: BrowserPort = {
  sendToTab,
  broadcast(message) {
    void chrome.tabs.query({}).then((tabs) => {
      for (const tab of tabs) if (tab.id !== undefined) sendToTab(tab.id, message);
    });
  },
  setFlushAlarm(on) {
    if (on) void ensureAlarm(FLUSH_ALARM, FLUSH_ALARM_MINUTES);
    else void chrome.alarms.clear(FLUSH_ALARM);
  },
  grantedOrigins,
  manifestHostPatterns,
  syncDynamicHosts,
  // Firefox implements chrome.tabs too (with promises), as it does the other chrome.* APIs used here.
  async openTab(url) {
    await chrome.tabs.create({ url });
  },
  browserName: browserName(navigator.userAgent),
};
