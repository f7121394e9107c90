// @vitest-environment happy-dom
// @vitest-environment-options { "url": "https://x.com/home" }
// The content script as loaded: it buffers exchanges until the rules arrive.
import { expect, it, vi } from "vitest";
import { INTERCEPT_EVENT, type Capture, type ToBackground } from "../../src/shared/types";
import { capturesSent, stubChrome } from "./chrome-stub";
import { RULES, useFakeIntersectionObserver } from "./helpers";

const HOME = "https://x.com/i/api/graphql/Q1MnNuM6DdwU1tlBdyG8iw/HomeTimeline?variables=%7B%7D";

function emit(url: string): void {
  const exchange = { url, method: "GET", status: 200, requestBody: null, responseText: "{}", contentType: "application/json", at: 1 };
  window.dispatchEvent(new CustomEvent(INTERCEPT_EVENT, { detail: JSON.stringify(exchange) }));
}

it("buffers until the rules arrive (retrying), then sends the matching captures", async () => {
  vi.useFakeTimers();
  useFakeIntersectionObserver();
  let rulesReady = false;
  const chrome = stubChrome((message: ToBackground) => (message.type === "get-rules" && rulesReady ? RULES : null));
  await import("../../src/content/index");
  emit(HOME);
  emit("https://x.com/i/api/1.1/jot/client_event.json");
  await vi.advanceTimersByTimeAsync(100);
  expect(capturesSent(chrome)).toEqual([]);

  rulesReady = true;
  await vi.advanceTimersByTimeAsync(600); // the first retry
  emit(HOME);
  await vi.advanceTimersByTimeAsync(50);
  const captures = capturesSent(chrome).flatMap((message) => (message.type === "captures" ? message.captures : []));
  expect(captures.map((capture: Capture) => [capture.kind, capture.operation, capture.platform])).toEqual([
    ["api", "HomeTimeline", "x"],
    ["api", "HomeTimeline", "x"],
  ]);
  const rulesAsked = chrome.sent.filter((message) => message.type === "get-rules").length;
  await vi.advanceTimersByTimeAsync(60_000);
  expect(chrome.sent.filter((message) => message.type === "get-rules")).toHaveLength(rulesAsked);
});
