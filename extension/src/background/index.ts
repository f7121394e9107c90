// Entry of the service worker (Chromium) / background script (Firefox). Listeners are
// added synchronously at the top level, as MV3 requires for a worker woken by an event;
// the state they need (IndexedDB queue, settings) is opened once per worker start.

import { parseMessage, isPrivileged } from "./messages";
import { Background } from "./app";
import { FLUSH_ALARM, RULES_ALARM, RULES_ALARM_MINUTES, chromePort, ensureAlarm } from "./chrome-port";
import { CaptureQueue } from "./queue";

async function open(): Promise<Background> {
  const queue = await CaptureQueue.open(indexedDB);
  return new Background({
    store: chrome.storage.local,
    queue,
    // Bound: a bare `fetch` reference called as a method of another object throws.
    fetch: (url, init) => fetch(url, init),
    port: chromePort,
    timers: { set: (callback, ms) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as number) },
    now: () => Date.now(),
    random: () => Math.random(),
  });
}

const background = open();

function startup(): void {
  void ensureAlarm(RULES_ALARM, RULES_ALARM_MINUTES);
  void background.then((app) => app.start(true));
  void chromePort.syncDynamicHosts();
}

chrome.runtime.onInstalled.addListener(startup);
chrome.runtime.onStartup.addListener(startup);

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === RULES_ALARM) void background.then((app) => app.refreshRules());
  if (alarm.name === FLUSH_ALARM) void background.then((app) => app.flusher.wake());
});

chrome.permissions.onAdded.addListener(() => void chromePort.syncDynamicHosts());
chrome.permissions.onRemoved.addListener(() => void chromePort.syncDynamicHosts());

/** The extension's own pages (the popup, also when opened in a tab); a content script's url is its page's. */
function fromExtensionPage(sender: chrome.runtime.MessageSender): boolean {
  return sender.id === chrome.runtime.id && (sender.url ?? "").startsWith(chrome.runtime.getURL(""));
}

chrome.runtime.onMessage.addListener((raw: unknown, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  const message = parseMessage(raw);
  if (!message || (isPrivileged(message) && !fromExtensionPage(sender))) {
    sendResponse(null);
    return false;
  }
  background
    .then((app) => app.handle(message, sender.tab?.id ?? -1))
    .then(sendResponse, (error: unknown) => {
      console.error("Seenby: message failed", message.type, error);
      sendResponse(null);
    });
  return true; // answered asynchronously
});

// Every worker start (not only browser start): resume sending what is queued.
void background.then((app) => app.start());
