// One MutationObserver for the whole content script. Features subscribe and are
// called at most once per short interval, after the site's own DOM work.

import { BADGE_TAG } from "./badge";

export type MutationListener = () => void;

const THROTTLE_MS = 50;

/** True when a mutation batch only added or removed our own badges (nothing to rescan). */
function onlyOurBadges(records: MutationRecord[]): boolean {
  return records.every((record) =>
    [...record.addedNodes, ...record.removedNodes].every((node) => node.nodeName.toLowerCase() === BADGE_TAG),
  );
}

export class MutationHub {
  private readonly listeners: MutationListener[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private observer: MutationObserver | null = null;

  subscribe(listener: MutationListener): void {
    this.listeners.push(listener);
    if (this.observer === null) {
      this.observer = new MutationObserver((records) => {
        if (!onlyOurBadges(records)) this.schedule();
      });
      this.observer.observe(document, { childList: true, subtree: true });
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      for (const listener of this.listeners) listener();
    }, THROTTLE_MS);
  }
}
