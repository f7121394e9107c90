// The user's own handle, read from the page with the platform's ViewerHint and sent once
// per page as a `viewer` capture: the server then knows which account is the user's,
// also on sites whose API answers never say (docs/hooks.md). Read when the page is idle,
// and again a little later if it was not there yet (single-page apps draw their side
// bar after their data).

import type { Capture, ViewerHint } from "../shared/types";
import { newCapture } from "./captures";
import { measured } from "./perf";
import { whenIdle } from "./theme";

/** The server's limit for a handle. */
const MAX_HANDLE = 200;
/** Looks again after these delays while the page shows no handle. */
export const VIEWER_RETRIES_MS = [2_000, 10_000];

/** The handle `hint` finds in the page: the attribute of the first match, `pattern`'s first group if given. */
export function readViewerHandle(hint: ViewerHint, root: ParentNode = document): string | null {
  try {
    const value = root.querySelector(hint.selector)?.getAttribute(hint.attribute)?.trim();
    if (!value) return null;
    const handle = hint.pattern === null ? value : (new RegExp(hint.pattern).exec(value)?.[1] ?? "");
    return handle.length > 0 && handle.length <= MAX_HANDLE ? handle : null;
  } catch {
    return null; // a selector or pattern this browser cannot parse
  }
}

/** Sends the page's viewer handle once, when the page shows one. */
export function watchViewer(platform: string, hint: ViewerHint, send: (capture: Capture) => void): void {
  let retries = 0;
  const look = (): void =>
    whenIdle(() =>
      measured("seenby-capture:viewer", () => {
        const handle = readViewerHandle(hint);
        if (handle !== null) {
          send(newCapture(platform, { kind: "viewer", url: location.href, method: "GET", status: 0, body: { handle } }));
          return;
        }
        const delay = VIEWER_RETRIES_MS[retries++];
        if (delay !== undefined) setTimeout(look, delay);
      }),
    );
  look();
}
