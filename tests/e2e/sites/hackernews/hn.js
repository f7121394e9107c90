// A stand-in for Hacker News's hn.js: a click on a vote arrow pings vote?id=…&how=up with an
// image request (not fetch or XHR) and hides the arrow, as the logged-in site does.
"use strict";
(() => {
  const e2e = (window.__e2e = { renderedAt: {}, fetched: [], liked: [], pages: 1 });
  // The page is server-rendered: every row is "rendered" when this script runs.
  for (const row of document.querySelectorAll("tr.athing[id]")) e2e.renderedAt[row.id] = performance.now();

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[id^='up_'], a[id^='down_']") : null;
    if (!link) return;
    event.preventDefault();
    new Image().src = link.href;
    link.style.visibility = "hidden";
    e2e.liked.push(link.id.split("_")[1]);
  });
})();
