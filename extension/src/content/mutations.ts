// One MutationObserver for the whole content script. Features subscribe and are
// called at most once per frame, after the site's own DOM work, with the elements
// the site added meanwhile (so they look at those, not the whole page).

import { BADGE_TAG } from "./badge";
import { measured } from "./perf";

/** `added`: the elements added since the last call; null when there were too many to list. */
export type MutationListener = (added: readonly Element[] | null) => void;

const THROTTLE_MS = 50;
/** Beyond this many added elements one whole-page scan is cheaper than one scan each. */
const MAX_LISTED = 300;

function isOurBadge(node: Node): boolean {
  return (node as Element).localName === BADGE_TAG;
}

export class MutationHub {
  private readonly listeners: MutationListener[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private frame: number | null = null;
  private observer: MutationObserver | null = null;
  private added: Element[] | null = [];

  subscribe(listener: MutationListener): void {
    this.listeners.push(listener);
    if (this.observer === null) {
      this.observer = new MutationObserver((records) => measured("seenby:mutations", () => this.collect(records)));
      this.observer.observe(document, { childList: true, subtree: true });
    }
  }

  /**
   * Takes the records of our own DOM writes at once (called right after them), instead
   * of having the observer called back for them in a moment.
   */
  takeRecords(): void {
    const records = this.observer?.takeRecords();
    if (records && records.length > 0) this.collect(records);
  }

  private collect(records: MutationRecord[]): void {
    let changed = false;
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (isOurBadge(node)) continue;
        changed = true;
        if (node.nodeType !== Node.ELEMENT_NODE || this.added === null) continue;
        this.added.push(node as Element);
        if (this.added.length > MAX_LISTED) this.added = null;
      }
      // Removals matter too: the site may have dropped one of our badges along with other nodes.
      if (!changed && record.removedNodes.length > 0) changed = [...record.removedNodes].some((node) => !isOurBadge(node));
    }
    if (changed) this.schedule();
  }

  /** At the next frame (new posts get their badges before they are painted), at the latest after THROTTLE_MS (hidden tabs get no frames). */
  private schedule(): void {
    if (this.timer !== null) return;
    const run = (): void => {
      if (this.timer !== null) clearTimeout(this.timer);
      if (this.frame !== null) cancelAnimationFrame(this.frame);
      this.timer = this.frame = null;
      const added = this.added;
      this.added = [];
      measured("seenby:locate", () => {
        for (const listener of this.listeners) listener(added);
      });
    };
    this.timer = setTimeout(run, THROTTLE_MS);
    this.frame = typeof requestAnimationFrame === "function" ? requestAnimationFrame(run) : null;
  }
}
