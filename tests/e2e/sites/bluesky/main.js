// A stand-in for bsky.app (social-app on React Native Web): reads the Following feed from the
// user's PDS over XRPC with fetch, renders feed items with social-app's testIDs and likes a
// post with com.atproto.repo.createRecord, as the real client does.
"use strict";
(() => {
  const PDS = "https://morel.us-east.host.bsky.network";
  const VIEWER_DID = "did:plc:7hnv2ixk3ubzw4q5dpmq6yrc";
  const HEADERS = { authorization: "Bearer e2e-access-jwt", "atproto-proxy": "did:web:api.bsky.app#bsky_appview", "atproto-accept-labelers": "did:plc:ar7c4by46qjdydhdevvrndac;redact" };
  const e2e = (window.__e2e = { renderedAt: {}, fetched: [], liked: [], pages: 0 });

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  };
  const rkeyOf = (uri) => uri.split("/").pop();

  async function xrpc(method, nsid, { params = "", body = null } = {}) {
    const url = `${PDS}/xrpc/${nsid}${params ? `?${params}` : ""}`;
    const response = await fetch(url, {
      method,
      headers: body ? { ...HEADERS, "content-type": "application/json" } : HEADERS,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`XRPC ${nsid}: HTTP ${response.status}`);
    return { url, data: await response.json() };
  }

  function likeButton(post) {
    const liked = Boolean(post.viewer?.like);
    const button = el("button", { "data-testid": "likeBtn", class: liked ? "liked" : "", "aria-label": `${liked ? "Unlike" : "Like"} (${post.likeCount ?? 0} likes)`, type: "button" }, `♥ ${post.likeCount ?? 0}`);
    button.addEventListener("click", async () => {
      if (button.classList.contains("liked")) return;
      await xrpc("POST", "com.atproto.repo.createRecord", {
        body: {
          repo: VIEWER_DID,
          collection: "app.bsky.feed.like",
          record: { $type: "app.bsky.feed.like", subject: { uri: post.uri, cid: post.cid }, createdAt: new Date().toISOString() },
        },
      });
      button.classList.add("liked");
      e2e.liked.push(post.uri);
    });
    return button;
  }

  function renderFeedItem(item) {
    const post = item.post;
    const author = post.author;
    const node = el("div", { "data-testid": `feedItem-by-${author.handle}`, role: "link", tabindex: "0" });
    if (item.reason?.$type === "app.bsky.feed.defs#reasonRepost") {
      node.append(el("div", { class: "reason" }, `Reposted by ${item.reason.by?.displayName ?? item.reason.by?.handle ?? ""}`));
    }
    const created = post.record?.createdAt ?? post.indexedAt ?? "";
    node.append(
      el("div", { class: "meta" },
        el("a", { href: `/profile/${author.handle}`, class: "name", "aria-label": author.displayName ?? author.handle }, author.displayName ?? author.handle),
        " ",
        el("a", { href: `/profile/${author.handle}` }, `@${author.handle}`),
        " · ",
        el("a", { href: `/profile/${author.handle}/post/${rkeyOf(post.uri)}`, "data-tooltip": created, "aria-label": created }, created.slice(0, 10)),
      ),
      el("div", { "data-testid": "postText", dir: "auto" }, post.record?.text ?? ""),
      el("div", { class: "controls" },
        el("button", { "data-testid": "replyBtn", type: "button" }, `💬 ${post.replyCount ?? 0}`),
        el("button", { "data-testid": "repostBtn", type: "button" }, `⟳ ${post.repostCount ?? 0}`),
        likeButton(post),
      ),
    );
    return { id: post.uri, node };
  }

  async function loadPage(cursor) {
    const params = `limit=30${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const { url, data } = await xrpc("GET", "app.bsky.feed.getTimeline", { params });
    e2e.fetched.push(url);
    const feed = document.getElementById("feed");
    for (const item of data.feed ?? []) {
      const { id, node } = renderFeedItem(item);
      feed.append(node);
      e2e.renderedAt[id] = performance.now();
    }
    e2e.pages += 1;
    return data;
  }

  e2e.loadMore = () => loadPage(`page-${e2e.pages}`);
  e2e.ready = loadPage(null);
})();
