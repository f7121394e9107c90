// A stand-in for X's web client: loads the home timeline the way x.com does (fetch of a
// GraphQL GET), renders each tweet into X's markup and sends X's like request.
// Text is always set with textContent: payloads are data, never markup.
"use strict";
(() => {
  const QUERY_HOME = "HJFjzBgCs16TqxewQOeLNg";
  const QUERY_LIKE = "lI07N6Otwv1PhnEgXILM7A";
  const HEADERS = { authorization: "Bearer AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs", "x-csrf-token": "e2e", "x-twitter-active-user": "yes" };
  // What the test and the benchmark read: when each post was put into the DOM, and what was fetched.
  const e2e = (window.__e2e = { renderedAt: {}, fetched: [], liked: [], pages: 0 });

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  };
  const unescape = (text) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const unwrap = (result) => (result && result.__typename === "TweetWithVisibilityResults" ? result.tweet : result);
  const userOf = (tweet) => {
    const user = tweet.core?.user_results?.result ?? {};
    return {
      name: user.core?.name ?? user.legacy?.name ?? "",
      handle: user.core?.screen_name ?? user.legacy?.screen_name ?? "",
    };
  };

  function likeButton(tweetId, count, liked) {
    const button = el("button", { "data-testid": liked ? "unlike" : "like", "aria-label": `${count} Likes. ${liked ? "Liked" : "Like"}`, type: "button" }, `♥ ${count}`);
    button.addEventListener("click", async () => {
      if (button.dataset.testid === "unlike") return;
      const response = await fetch(`/i/api/graphql/${QUERY_LIKE}/FavoriteTweet`, {
        method: "POST",
        credentials: "include",
        headers: { ...HEADERS, "content-type": "application/json" },
        body: JSON.stringify({ variables: { tweet_id: tweetId }, queryId: QUERY_LIKE }),
      });
      await response.json();
      button.dataset.testid = "unlike";
      button.textContent = `♥ ${count + 1}`;
      e2e.liked.push(tweetId);
    });
    return button;
  }

  function renderTweet(result, { promoted = false } = {}) {
    let tweet = unwrap(result);
    if (!tweet || tweet.__typename !== "Tweet") return null;
    let context = null;
    const retweeted = unwrap(tweet.legacy?.retweeted_status_result?.result);
    if (retweeted) {
      // X shows a repost as the original post under a "<name> reposted" line.
      context = `${userOf(tweet).name} reposted`;
      tweet = retweeted;
    }
    const id = tweet.rest_id;
    const legacy = tweet.legacy ?? {};
    const author = userOf(tweet);
    const text = tweet.note_tweet?.note_tweet_results?.result?.text ?? unescape(legacy.full_text ?? "");
    const created = legacy.created_at ? new Date(legacy.created_at).toISOString() : "";
    const article = el("article", { "data-testid": "tweet", role: "article", tabindex: "0", "aria-labelledby": `id-${id}` });
    if (context) article.append(el("div", { class: "social-context", "data-testid": "socialContext" }, context));
    article.append(
      el("div", { "data-testid": "User-Name", id: `id-${id}` },
        el("a", { href: `/${author.handle}`, role: "link", class: "name" }, author.name),
        el("a", { href: `/${author.handle}`, role: "link", tabindex: "-1" }, `@${author.handle}`),
        el("span", {}, "·"),
        el("a", { href: `/${author.handle}/status/${id}`, role: "link", dir: "ltr" }, el("time", { datetime: created }, created.slice(0, 10))),
        ...(promoted ? [el("span", { class: "ad-label" }, "Ad")] : []),
      ),
      el("div", { "data-testid": "tweetText", lang: legacy.lang ?? "en", dir: "auto" }, el("span", {}, text)),
      el("div", { role: "group", "aria-label": `${legacy.reply_count ?? 0} replies, ${legacy.retweet_count ?? 0} reposts, ${legacy.favorite_count ?? 0} likes` },
        el("button", { "data-testid": "reply", type: "button", "aria-label": `${legacy.reply_count ?? 0} Replies. Reply` }, `↩ ${legacy.reply_count ?? 0}`),
        el("button", { "data-testid": "retweet", type: "button", "aria-label": `${legacy.retweet_count ?? 0} reposts. Repost` }, `⟳ ${legacy.retweet_count ?? 0}`),
        likeButton(id, legacy.favorite_count ?? 0, Boolean(legacy.favorited)),
        el("a", { href: `/${author.handle}/status/${id}/analytics`, "aria-label": `${tweet.views?.count ?? 0} views` }, `▥ ${tweet.views?.count ?? ""}`),
      ),
    );
    return { id, article };
  }

  function itemContents(entry) {
    const content = entry.content ?? {};
    if (content.itemContent) return [[content.itemContent, entry.entryId.startsWith("promoted-")]];
    return (content.items ?? []).map((item) => [item.item?.itemContent ?? {}, false]);
  }

  function render(payload) {
    const timeline = document.getElementById("timeline");
    const instructions = payload?.data?.home?.home_timeline_urt?.instructions ?? [];
    for (const instruction of instructions) {
      for (const entry of instruction.entries ?? []) {
        for (const [itemContent, promoted] of itemContents(entry)) {
          const rendered = itemContent.tweet_results ? renderTweet(itemContent.tweet_results.result, { promoted }) : null;
          if (!rendered) continue;
          const cell = el("div", { "data-testid": "cellInnerDiv" }, rendered.article);
          timeline.append(cell);
          e2e.renderedAt[rendered.id] = performance.now();
        }
      }
    }
  }

  async function loadPage(cursor) {
    const variables = { count: 20, includePromotedContent: true, latestControlAvailable: true, ...(cursor ? { cursor } : {}) };
    const features = { responsive_web_graphql_timeline_navigation_enabled: true };
    const url = `/i/api/graphql/${QUERY_HOME}/HomeTimeline?variables=${encodeURIComponent(JSON.stringify(variables))}&features=${encodeURIComponent(JSON.stringify(features))}`;
    const response = await fetch(url, { credentials: "include", headers: HEADERS });
    const payload = await response.json();
    e2e.fetched.push(new URL(url, location.href).href);
    render(payload);
    e2e.pages += 1;
    return payload;
  }

  // The test scrolls the page by calling this, the way X's infinite scroll asks for the next page.
  e2e.loadMore = () => loadPage(`page-${e2e.pages}`);
  e2e.ready = loadPage(null);
})();
