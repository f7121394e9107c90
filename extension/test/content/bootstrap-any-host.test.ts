// @vitest-environment happy-dom
// @vitest-environment-options { "url": "https://social.example.org/home" }
// A Mastodon instance the rules do not list is recognised by its own API calls.
import { expect, it, vi } from "vitest";
import { INTERCEPT_EVENT, type ToBackground } from "../../src/shared/types";
import { capturesSent, stubChrome } from "./chrome-stub";
import { RULES, useFakeIntersectionObserver } from "./helpers";

function emit(url: string): void {
  const exchange = { url, method: "GET", status: 200, requestBody: null, responseText: "[]", contentType: "application/json", at: 1 };
  window.dispatchEvent(new CustomEvent(INTERCEPT_EVENT, { detail: JSON.stringify(exchange) }));
}

it("activates an any_host platform on this host's API call only", async () => {
  vi.useFakeTimers();
  useFakeIntersectionObserver();
  const chrome = stubChrome((message: ToBackground) => (message.type === "get-rules" ? RULES : null));
  await import("../../src/content/index");
  await vi.advanceTimersByTimeAsync(10);
  // Forged or foreign: the same API on another host does not switch us on.
  emit("https://mastodon.social/api/v1/timelines/home");
  await vi.advanceTimersByTimeAsync(50);
  expect(capturesSent(chrome)).toEqual([]);

  emit("https://social.example.org/api/v1/timelines/home?limit=20");
  await vi.advanceTimersByTimeAsync(50);
  const [message] = capturesSent(chrome);
  expect(message?.type === "captures" && message.captures.map((capture) => [capture.platform, capture.operation])).toEqual([
    ["mastodon", "HomeTimeline"],
  ]);
});
