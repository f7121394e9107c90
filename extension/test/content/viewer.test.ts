// @vitest-environment happy-dom
// @vitest-environment-options { "url": "https://x.com/home" }
// The user's own handle, read with the platform's ViewerHint and sent once per page.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { VIEWER_RETRIES_MS, readViewerHandle, watchViewer } from "../../src/content/viewer";
import type { Capture, ViewerHint } from "../../src/shared/types";
import { platformNamed } from "./helpers";

function hintOf(platform: string): ViewerHint {
  const hint = platformNamed(platform).viewer;
  if (!hint) throw new Error(`${platform} declares no ViewerHint`);
  return hint;
}

const PROFILE_TAB = '<nav><a data-testid="AppTabBar_Profile_Link" href="/ana_b">Profile</a></nav>';

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal("requestIdleCallback", (work: () => void) => setTimeout(work, 50));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("readViewerHandle", () => {
  it("reads the handle each platform's hint names", () => {
    document.body.innerHTML = PROFILE_TAB;
    expect(readViewerHandle(hintOf("x"))).toBe("ana_b");
    document.body.innerHTML = '<span class="pagetop"><a id="me" href="user?id=pg">pg</a></span>';
    expect(readViewerHandle(hintOf("hackernews"))).toBe("pg");
    document.body.innerHTML = '<div id="header-bottom-right"><span class="user"><a href="https://old.reddit.com/user/spez/">spez</a></span></div>';
    expect(readViewerHandle(hintOf("reddit"))).toBe("spez");
  });

  it("finds nothing rather than a wrong handle", () => {
    expect(readViewerHandle(hintOf("x"))).toBeNull(); // not drawn (yet)
    document.body.innerHTML = '<a data-testid="AppTabBar_Profile_Link" href="/settings/profile/edit">Profile</a>';
    expect(readViewerHandle(hintOf("x"))).toBeNull(); // the pattern does not match
    document.body.innerHTML = PROFILE_TAB;
    expect(readViewerHandle({ selector: "a[", attribute: "href", pattern: null })).toBeNull();
    expect(readViewerHandle({ selector: "a", attribute: "href", pattern: "(" })).toBeNull();
    expect(readViewerHandle({ selector: "nav", attribute: "href", pattern: null })).toBeNull(); // no such attribute
    document.body.innerHTML = `<a id="me" href="user?id=${"x".repeat(201)}">me</a>`;
    expect(readViewerHandle(hintOf("hackernews"))).toBeNull(); // longer than the server takes
  });
});

describe("watchViewer", () => {
  it("sends the handle once, when the page is idle", () => {
    document.body.innerHTML = PROFILE_TAB;
    const sent: Capture[] = [];
    watchViewer("x", hintOf("x"), (capture) => sent.push(capture));
    expect(sent).toEqual([]); // not while the page is busy starting
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: "viewer", platform: "x", url: "https://x.com/home", body: { handle: "ana_b" } });
  });

  it("looks again a little later while the page does not show it, then gives up", () => {
    const sent: Capture[] = [];
    const looked = vi.spyOn(document, "querySelector");
    watchViewer("x", hintOf("x"), (capture) => sent.push(capture));
    vi.advanceTimersByTime(1_000);
    document.body.innerHTML = PROFILE_TAB; // the single-page app draws its side bar
    vi.advanceTimersByTime(VIEWER_RETRIES_MS[0]!);
    expect(sent.map((capture) => capture.body)).toEqual([{ handle: "ana_b" }]);

    document.body.innerHTML = "";
    looked.mockClear();
    watchViewer("x", hintOf("x"), (capture) => sent.push(capture));
    vi.advanceTimersByTime(600_000);
    expect(looked).toHaveBeenCalledTimes(1 + VIEWER_RETRIES_MS.length);
    expect(sent).toHaveLength(1);
  });
});
