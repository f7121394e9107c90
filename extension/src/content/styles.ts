// The overlay's styles. They live in each badge's shadow root, so the site's CSS
// cannot reach them and ours cannot leak out. Static text: no data goes in here.
// The panel is a popover in the top layer (panel-layer.ts): `inset`/`margin` undo the
// browser's centring of popovers; panel-layer.ts sets `top`/`left`.

export const OVERLAY_CSS = `
:host { all: initial; display: inline-block; position: relative; vertical-align: middle;
  margin: 0 4px; font: 12px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --line: #d1d9e0; --chip: #f6f8fa;
  --neutral: #59636e; --info: #0969da; --good: #1a7f37; --warn: #9a6700; }
:host([data-theme="dark"]) { --fg: #e6edf3; --muted: #9198a1; --bg: #151b23; --line: #3d444d;
  --chip: #212830; --neutral: #9198a1; --info: #4493f8; --good: #3fb950; --warn: #d29922; }
button { font: inherit; color: inherit; cursor: pointer; }
.badge { display: inline-flex; align-items: center; max-width: 22em; height: 1.6em; padding: 0 .6em;
  border: 1px solid var(--line); border-radius: 999px; background: var(--chip); color: var(--tone, var(--neutral));
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.badge:focus-visible, .panel button:focus-visible, .panel:focus-visible { outline: 2px solid var(--info); outline-offset: 1px; }
.badge[aria-busy="true"] { color: var(--muted); font-style: italic; }
.badge[data-tone="info"] { --tone: var(--info); } .badge[data-tone="good"] { --tone: var(--good); }
.badge[data-tone="warn"] { --tone: var(--warn); }
.panel { position: fixed; inset: auto; top: 0; left: 0; margin: 0; box-sizing: border-box; z-index: 2147483647; width: 22rem; max-width: 80vw;
  max-height: 60vh; overflow: auto; padding: .75em; border: 1px solid var(--line); border-radius: 8px;
  background: var(--bg); color: var(--fg); box-shadow: 0 8px 24px rgba(0,0,0,.2); white-space: normal; text-align: left; }
.panel[hidden] { display: none; }
.head { display: flex; justify-content: space-between; align-items: center; margin-bottom: .5em; font-weight: 600; }
.close { border: 0; background: none; font-size: 1.2em; line-height: 1; padding: 0 .25em; }
h3 { margin: .75em 0 .25em; font-size: 1em; font-weight: 600; }
p, ul { margin: .25em 0; } ul { padding-left: 1.2em; }
.muted, .reason { color: var(--muted); }
.draft { white-space: pre-wrap; }
.suggestion { padding: .5em 0; border-top: 1px solid var(--line); }
.actions { display: flex; gap: .5em; margin-top: .25em; }
.actions button { padding: .2em .6em; border: 1px solid var(--line); border-radius: 6px; background: var(--chip); }
.status { min-height: 1.2em; color: var(--muted); }
svg { display: block; width: 100%; height: 32px; } polyline { fill: none; stroke: var(--info); stroke-width: 1.5; }
`;
