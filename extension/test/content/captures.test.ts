// @vitest-environment happy-dom
// @vitest-environment-options { "url": "https://news.ycombinator.com/news" }
import { afterEach, describe, expect, it, vi } from "vitest";
import { CaptureBatcher } from "../../src/content/captures";
import { clickCapture, watchClicks } from "../../src/content/dom-actions";
import { DocumentWatcher } from "../../src/content/documents";
import { captureFromExchange, ExchangeInbox } from "../../src/content/exchanges";
import { INTERCEPT_EVENT, type Capture, type InterceptedExchange } from "../../src/shared/types";
import { fixture, goTo, platformNamed } from "./helpers";

const GRAPHQL = "https://x.com/i/api/graphql/Q1MnNuM6DdwU1tlBdyG8iw/";

function exchange(fields: Partial<InterceptedExchange>): InterceptedExchange {
  return {
    url: `${GRAPHQL}HomeTimeline?variables=%7B%7D`,
    method: "GET",
    status: 200,
    requestBody: null,
    responseText: '{"data":{"home":{}}}',
    contentType: "application/json; charset=utf-8",
    at: 1,
    ...fields,
  };
}

function emit(detail: unknown): void {
  window.dispatchEvent(new CustomEvent(INTERCEPT_EVENT, { detail }));
}

afterEach(() => {
  document.body.innerHTML = "";
  vi.useRealTimers();
});

describe("captures from exchanges", () => {
  const x = platformNamed("x");

  it("makes an api capture with parsed JSON and the rule's operation", () => {
    const capture = captureFromExchange(x, exchange({}), "https://x.com/home");
    expect(capture).toMatchObject({
      kind: "api",
      url: `${GRAPHQL}HomeTimeline?variables=%7B%7D`,
      method: "GET",
      status: 200,
      page_url: "https://x.com/home",
      body: { data: { home: {} } },
      platform: "x",
      operation: "HomeTimeline",
    });
    expect(capture?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(capture && "request_body" in capture).toBe(false);
    expect(new Date(capture?.captured_at ?? "").toISOString()).toBe(capture?.captured_at);
  });

  it("keeps text that is not JSON as text", () => {
    const ndjson = '{"a":1}\n{"b":2}';
    expect(captureFromExchange(x, exchange({ responseText: ndjson }), "https://x.com/home")?.body).toBe(ndjson);
  });

  it("makes an action capture when the body pattern matches, with the parsed request body", () => {
    const requestBody = '{"variables":{"tweet_text":"hi","reply":{"in_reply_to_tweet_id":"1"}}}';
    const capture = captureFromExchange(
      x,
      exchange({ url: `${GRAPHQL}CreateTweet`, method: "POST", requestBody }),
      "https://x.com/home",
    );
    expect(capture).toMatchObject({ kind: "action", operation: "reply", method: "POST" });
    expect(capture?.request_body).toEqual(JSON.parse(requestBody));
    const form = captureFromExchange(
      platformNamed("mastodon"),
      exchange({ url: "https://mastodon.social/api/v1/statuses", method: "POST", requestBody: "status=hi&in_reply_to_id=7" }),
      "https://mastodon.social/home",
    );
    expect(form).toMatchObject({ kind: "action", operation: "reply", request_body: "status=hi&in_reply_to_id=7" });
  });

  it("ignores exchanges no rule matches", () => {
    expect(captureFromExchange(x, exchange({ url: "https://x.com/i/api/1.1/jot/client_event.json" }), "")).toBeNull();
  });
});

describe("exchange inbox", () => {
  it("buffers valid exchanges until consumed, then hands over new ones directly", () => {
    const inbox = new ExchangeInbox(window);
    emit(JSON.stringify(exchange({ at: 1 })));
    emit("not json");
    emit({ url: "an object, not a string" });
    emit(JSON.stringify({ ...exchange({}), status: "200" }));
    emit(JSON.stringify(exchange({ url: "javascript:alert(1)" })));
    emit(JSON.stringify(exchange({ at: 2 })));
    const seen: number[] = [];
    inbox.consume((received) => seen.push(received.at));
    expect(seen).toEqual([1, 2]);
    emit(JSON.stringify(exchange({ at: 3 })));
    expect(seen).toEqual([1, 2, 3]);
    inbox.stop();
    emit(JSON.stringify(exchange({ at: 4 })));
    expect(seen).toEqual([1, 2, 3]);
  });

  it("keeps only the newest 200", () => {
    const inbox = new ExchangeInbox(window);
    for (let at = 0; at < 250; at += 1) emit(JSON.stringify(exchange({ at })));
    const seen: number[] = [];
    inbox.consume((received) => seen.push(received.at));
    expect(seen).toHaveLength(200);
    expect(seen[0]).toBe(50);
    inbox.stop();
  });
});

describe("documents and clicks", () => {
  const hn = platformNamed("hackernews");

  it("captures the page's HTML for a matching document rule", () => {
    goTo("https://news.ycombinator.com/news");
    document.body.innerHTML = fixture("hackernews-news.html");
    const sent: Capture[] = [];
    new DocumentWatcher(() => hn, (capture) => sent.push(capture)).start();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: "document",
      url: "https://news.ycombinator.com/news",
      page_url: "https://news.ycombinator.com/news",
      operation: "StoryList",
      platform: "hackernews",
    });
    expect(sent[0]?.body).toContain('id="48350598"');
  });

  it("sends the script_selector scripts' text instead, and again after a single-page navigation", () => {
    vi.useFakeTimers();
    goTo("https://news.ycombinator.com/news");
    document.body.innerHTML = '<script type="application/json" id="a">{"a":1}</script><script type="application/json">{"b":2}</script>';
    const rules = { ...hn, documents: [{ operation: "Embedded", url_pattern: "^https://news\\.ycombinator\\.com/", script_selector: "script[type='application/json']" }] };
    const sent: Capture[] = [];
    const watcher = new DocumentWatcher(() => rules, (capture) => sent.push(capture));
    watcher.start();
    expect(sent[0]?.body).toBe('{"a":1}\n{"b":2}');
    watcher.checkUrl(); // same URL: nothing
    goTo("https://news.ycombinator.com/item?id=1");
    watcher.checkUrl();
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.url).toBe("https://news.ycombinator.com/item?id=1");
  });

  it("turns a click on a DOM action into a dom capture", () => {
    goTo("https://news.ycombinator.com/news");
    document.body.innerHTML = fixture("hackernews-news.html");
    const arrow = document.querySelector("#up_48350598 .votearrow") as Element;
    expect(clickCapture(arrow, hn)).toMatchObject({
      kind: "dom",
      url: "https://news.ycombinator.com/vote?id=48350598&how=up&goto=news",
      method: "GET",
      status: 0,
      operation: "upvote",
      body: { post_id: "48350598", href: "https://news.ycombinator.com/vote?id=48350598&how=up&goto=news" },
    });
    expect(clickCapture(document.querySelector(".titleline > a") as Element, hn)).toBeNull();
  });

  it("takes the enclosing post's id when the rule names none, and listens to real clicks", () => {
    goTo("https://news.ycombinator.com/news");
    document.body.innerHTML = `${fixture("hackernews-news.html")}<form action="comment"><input type="submit" value="reply"></form>`;
    const inPost = document.querySelector("tr.athing .titleline") as Element;
    inPost.insertAdjacentHTML("beforeend", "<form action='comment'><input id='inner' type='submit'></form>");
    document.addEventListener("submit", (event) => event.preventDefault()); // stay on the page
    const sent: Capture[] = [];
    watchClicks(() => hn, (capture) => sent.push(capture));
    (document.getElementById("inner") as HTMLElement).click();
    (document.querySelector("body > form input") as HTMLElement).click();
    expect(sent.map((capture) => [capture.operation, capture.body])).toEqual([
      ["reply", { post_id: "48350598", href: null }],
      ["reply", { post_id: null, href: null }],
    ]);
    expect(sent[1]?.url).toBe("https://news.ycombinator.com/news");
  });
});

describe("batching", () => {
  it("sends the captures of one tick together, or at once on flush", () => {
    vi.useFakeTimers();
    const delivered: number[] = [];
    const batcher = new CaptureBatcher((captures) => delivered.push(captures.length));
    const capture = { id: "1" } as Capture;
    batcher.add(capture);
    batcher.add(capture);
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(delivered).toEqual([2]);
    batcher.add(capture);
    batcher.flush();
    expect(delivered).toEqual([2, 1]);
  });
});
