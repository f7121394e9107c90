// A stand-in for Mastodon's web app: reads the home timeline with XMLHttpRequest the way
// axios does, renders statuses into Mastodon's markup (status.jsx) and favourites by XHR.
"use strict";
(() => {
  const TOKEN = "e2e-access-token";
  const e2e = (window.__e2e = { renderedAt: {}, fetched: [], liked: [], pages: 0 });

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  };
  // Status content is HTML: read it in an inert document and show its text only.
  const textOf = (html) => new DOMParser().parseFromString(html || "", "text/html").body.textContent ?? "";

  // axios's XHR adapter: no responseType for JSON, parse responseText on load.
  function api(method, path) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path, true);
      xhr.setRequestHeader("Accept", "application/json, text/plain, */*");
      xhr.setRequestHeader("Authorization", `Bearer ${TOKEN}`);
      xhr.onloadend = () => {
        if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
        else reject(new Error(`HTTP ${xhr.status}`));
      };
      xhr.send(null);
    });
  }

  function favouriteButton(status) {
    const button = el("button", { class: `status__action-bar__button star-icon icon-button${status.favourited ? " active" : ""}`, title: "Favorite", "aria-label": "Favorite", type: "button" },
      el("span", { class: "icon-button__counter" }, String(status.favourites_count)));
    button.addEventListener("click", async () => {
      if (button.classList.contains("active")) return;
      await api("POST", `/api/v1/statuses/${status.id}/favourite`);
      button.classList.add("active");
      e2e.liked.push(status.id);
    });
    return button;
  }

  function renderStatus(item) {
    // A boost shows the original status: data-id is the original's id (status.jsx swaps to status.reblog).
    const status = item.reblog ?? item;
    const account = status.account;
    const wrapper = el("div", { class: `status__wrapper status__wrapper-${status.visibility} focusable`, tabindex: "0" });
    if (item.reblog) wrapper.append(el("div", { class: "status__prepend" }, `${item.account.display_name} boosted`));
    const permalink = status.url ?? `/@${account.acct}/${status.id}`;
    wrapper.append(
      el("div", { class: `status status-${status.visibility}`, "data-id": status.id },
        el("div", { class: "status__info" },
          el("a", { href: permalink, class: "status__relative-time" }, el("time", { datetime: status.created_at, title: status.created_at }, status.created_at.slice(0, 10))),
          el("a", { href: `/@${account.acct}`, class: "status__display-name", "data-hover-card-account": account.id },
            el("span", { class: "display-name" },
              el("bdi", {}, el("strong", { class: "display-name__html" }, account.display_name || account.username)),
              " ",
              el("span", { class: "display-name__account" }, `@${account.acct}`))),
        ),
        el("div", { class: "status__content" }, el("div", { class: "status__content__text status__content__text--visible translate", lang: status.language ?? "en" }, textOf(status.content))),
        el("div", { class: "status__action-bar" },
          el("button", { class: "status__action-bar__button icon-button", title: "Reply", type: "button" }, `↩ ${status.replies_count}`),
          el("button", { class: "status__action-bar__button icon-button", title: "Boost", type: "button" }, `⟳ ${status.reblogs_count}`),
          favouriteButton(status),
        ),
      ),
    );
    return { id: status.id, wrapper };
  }

  async function loadPage(query) {
    const path = `/api/v1/timelines/home?${query}`;
    const statuses = await api("GET", path);
    e2e.fetched.push(new URL(path, location.href).href);
    const feed = document.getElementById("feed");
    for (const item of statuses) {
      const { id, wrapper } = renderStatus(item);
      feed.append(el("article", { "aria-posinset": String(feed.children.length + 1) }, wrapper));
      e2e.renderedAt[id] = performance.now();
    }
    e2e.pages += 1;
    return statuses;
  }

  e2e.loadMore = () => loadPage(`max_id=page-${e2e.pages}&limit=20`);
  e2e.ready = loadPage("limit=20").then(() => e2e.loadMore());
})();
