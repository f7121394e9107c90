// @vitest-environment happy-dom
// The MutationObserver hands subscribers what the site added, so they look at those
// elements instead of querying the whole page on every change.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BADGE_TAG } from "../../src/content/badge";
import { MutationHub } from "../../src/content/mutations";

let calls: (readonly Element[] | null)[];

beforeEach(() => {
  vi.useFakeTimers();
  // Earlier tests' hubs still observe the page: each test listens to its own.
  const mine: (readonly Element[] | null)[] = (calls = []);
  new MutationHub().subscribe((added) => mine.push(added));
});

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = "";
});

/** Lets the observer's callback run. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(60);
}

describe("MutationHub", () => {
  it("calls once per burst with the elements added", async () => {
    const first = document.createElement("article");
    const second = document.createElement("article");
    document.body.append(first);
    document.body.append(second, document.createTextNode("text"));
    await settle();
    expect(calls).toEqual([[first, second]]);
  });

  it("calls in the observer's callback: no frame or timer to wait for", async () => {
    const post = document.createElement("article");
    document.body.append(post);
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual([[post]]);
  });

  it("handles records taken while its subscribers run after them, not inside them", async () => {
    const hub = new MutationHub();
    const seen: (readonly Element[] | null)[] = [];
    const added = document.createElement("div");
    hub.subscribe((elements) => {
      seen.push(elements);
      if (seen.length === 1) {
        document.body.append(added); // as if the site changed the page while we worked
        hub.takeRecords();
        expect(seen).toHaveLength(1);
      }
    });
    const post = document.createElement("article");
    document.body.append(post);
    await settle();
    expect(seen).toEqual([[post], [added]]);
  });

  it("ignores our own badges coming and going", async () => {
    const badge = document.createElement(BADGE_TAG);
    document.body.append(badge);
    await settle();
    badge.remove();
    await settle();
    expect(calls).toEqual([]);
  });

  it("still calls when the site only removed nodes (it may have dropped a badge with them)", async () => {
    const node = document.createElement("div");
    document.body.append(node);
    await settle();
    node.remove();
    await settle();
    expect(calls).toEqual([[node], []]);
  });

  it("gives up listing when a burst adds too many elements: the subscriber looks at the page", async () => {
    for (let i = 0; i < 400; i++) document.body.append(document.createElement("div"));
    await settle();
    expect(calls).toEqual([null]);
  });
});
