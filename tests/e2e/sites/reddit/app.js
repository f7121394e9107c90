// A stand-in for Reddit: reads a JSON Listing (as API clients and old.reddit do) with fetch,
// renders each post as shreddit markup (shreddit-post with its documented attributes) and
// votes with shreddit's GraphQL UpdatePostVoteState request.
"use strict";
(() => {
  const e2e = (window.__e2e = { renderedAt: {}, fetched: [], liked: [], pages: 0 });

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    for (const child of children) node.append(child);
    return node;
  };
  const isoOf = (seconds) => new Date(seconds * 1000).toISOString().replace("Z", "000+0000");

  function upvoteButton(post) {
    const button = el("button", { upvote: "", type: "button", "aria-pressed": post.likes === true ? "true" : "false" }, "▲ Upvote");
    button.addEventListener("click", async () => {
      if (button.getAttribute("aria-pressed") === "true") return;
      const response = await fetch("/svc/shreddit/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ operation: "UpdatePostVoteState", variables: { input: { postId: post.name, voteState: "UP" } }, csrf_token: "e2e0csrf" }),
      });
      await response.json();
      button.setAttribute("aria-pressed", "true");
      e2e.liked.push(post.name);
    });
    return button;
  }

  function renderPost(post) {
    const shredditPost = el("shreddit-post", {
      id: post.name,
      "post-title": post.title,
      author: post.author,
      "author-id": post.author_fullname,
      "subreddit-name": post.subreddit,
      "subreddit-prefixed-name": post.subreddit_name_prefixed,
      "subreddit-id": post.subreddit_id,
      score: post.score,
      "comment-count": post.num_comments,
      "upvote-ratio": post.upvote_ratio,
      "created-timestamp": isoOf(post.created_utc),
      permalink: post.permalink,
      "content-href": post.url,
      "post-type": post.is_self ? "text" : "link",
      domain: post.domain,
      "view-context": "AggregateFeed",
    },
      el("div", { class: "sub" }, `${post.subreddit_name_prefixed} · u/${post.author}`),
      el("a", { slot: "title", id: `post-title-${post.name}`, href: post.permalink }, post.title),
      el("div", { class: "actions" }, upvoteButton(post), el("span", {}, `${post.score} · ${post.num_comments} comments`)),
    );
    return el("article", { class: "w-full m-0", "aria-label": post.title, "data-post-id": post.name }, shredditPost);
  }

  async function loadPage(after) {
    const path = `/r/popular/hot.json?limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}`;
    const response = await fetch(path, { credentials: "include", headers: { accept: "application/json" } });
    const listing = await response.json();
    e2e.fetched.push(new URL(path, location.href).href);
    const feed = document.getElementById("feed");
    for (const child of listing?.data?.children ?? []) {
      if (child.kind !== "t3") continue;
      feed.append(renderPost(child.data), el("hr"));
      e2e.renderedAt[child.data.name] = performance.now();
    }
    e2e.pages += 1;
    return listing;
  }

  e2e.loadMore = () => loadPage(`page-${e2e.pages}`);
  e2e.ready = loadPage(null);
})();
