// @vitest-environment happy-dom
// @vitest-environment-options { "url": "https://x.com/home" }
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { wrapFetch } from "../../src/main-world/fetch";
import { INTERCEPT_EVENT, type InterceptedExchange } from "../../src/shared/types";

let seen: InterceptedExchange[];
const record = (event: Event): void => {
  seen.push(JSON.parse((event as CustomEvent<string>).detail) as InterceptedExchange);
};

/** What the browser's fetch would do, scripted: a fixed answer per URL. */
function installPageFetch(answer: (url: string, init?: RequestInit) => Promise<Response>): ReturnType<typeof vi.fn> {
  const browserFetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) =>
    answer(input instanceof Request ? input.url : String(input), init),
  );
  window.fetch = browserFetch as unknown as typeof fetch;
  return browserFetch;
}

function json(body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", ...headers } });
}

async function settled(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeEach(() => {
  seen = [];
  window.addEventListener(INTERCEPT_EVENT, record);
});

afterEach(() => {
  window.removeEventListener(INTERCEPT_EVENT, record);
});

describe("fetch wrapper", () => {
  it("gives the page the browser's own Response and reports a clone", async () => {
    let original: Response | null = null;
    installPageFetch(async () => (original = json({ data: { ok: true } })));
    wrapFetch(window);
    const response = await fetch("/i/api/graphql/abc/HomeTimeline?x=1");
    expect(response).toBe(original);
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ data: { ok: true } });
    await settled();
    expect(seen).toEqual([
      {
        url: "https://x.com/i/api/graphql/abc/HomeTimeline?x=1",
        method: "GET",
        status: 200,
        requestBody: null,
        responseText: '{"data":{"ok":true}}',
        contentType: "application/json",
        at: expect.any(Number),
      },
    ]);
  });

  it("passes rejections through unchanged and reports nothing", async () => {
    const failure = new TypeError("Failed to fetch");
    installPageFetch(() => Promise.reject(failure));
    wrapFetch(window);
    await expect(fetch("https://x.com/a")).rejects.toBe(failure);
    await settled();
    expect(seen).toEqual([]);
  });

  it("calls the browser's fetch with the page's exact arguments", async () => {
    const browserFetch = installPageFetch(async () => json({}));
    wrapFetch(window);
    const init = { method: "post", body: "a=1" };
    await fetch("https://x.com/b", init);
    expect(browserFetch.mock.calls[0]).toEqual(["https://x.com/b", init]);
    await (fetch as (...args: unknown[]) => Promise<Response>)();
    expect(browserFetch.mock.calls[1]).toEqual([]);
  });

  it("reads string, URLSearchParams, FormData and Request bodies", async () => {
    installPageFetch(async () => json({}));
    wrapFetch(window);
    const form = new FormData();
    form.append("status", "hi");
    form.append("in_reply_to_id", "7");
    await fetch("https://x.com/1", { method: "POST", body: '{"variables":{}}' });
    await fetch("https://x.com/2", { method: "POST", body: new URLSearchParams({ q: "a b" }) });
    await fetch("https://x.com/3", { method: "POST", body: form });
    await fetch(new Request("https://x.com/4", { method: "POST", body: "from a request" }));
    await fetch("https://x.com/5", { method: "POST", body: new Blob(["x"]) });
    await settled();
    // A Request's body is read asynchronously: compare in URL order.
    const bodies = seen.map((exchange) => [exchange.url, exchange.method, exchange.requestBody]).sort();
    expect(bodies).toEqual([
      ["https://x.com/1", "POST", '{"variables":{}}'],
      ["https://x.com/2", "POST", "q=a+b"],
      ["https://x.com/3", "POST", "status=hi&in_reply_to_id=7"],
      ["https://x.com/4", "POST", "from a request"],
      ["https://x.com/5", "POST", null],
    ]);
  });

  it("skips binary and oversized responses", async () => {
    installPageFetch(async (url) =>
      url.endsWith("png")
        ? new Response("PNG", { headers: { "content-type": "image/png" } })
        : json({}, { "content-length": String(9 * 1024 * 1024) }),
    );
    wrapFetch(window);
    await fetch("https://x.com/a.png");
    await fetch("https://x.com/big");
    await settled();
    expect(seen).toEqual([]);
  });

  it("looks like the browser's fetch", () => {
    installPageFetch(async () => json({}));
    const before = window.fetch;
    wrapFetch(window);
    expect(window.fetch).not.toBe(before);
    expect(window.fetch.name).toBe(before.name);
    expect(window.fetch.length).toBe(before.length);
    expect(window.fetch.toString()).toBe(Function.prototype.toString.call(before));
  });
});
