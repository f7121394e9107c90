// One MutationObserver for the whole content script. Features subscribe and are
// called in the observer's callback (after the site's DOM work of that task: one call
// per task that changed the page, with every record it made), with the elements the
// site added meanwhile (so they look at those, not the whole page). Waiting for a
// frame instead would cost one more wake-up per burst: the observer's callback is one
// already.

import { BADGE_TAG } from "./badge";
import { measured } from "./perf";

/** `added`: the elements added since the last call; null when there were too many to list. */
export type MutationListener = (added: readonly Element[] | null) => void;

/** Beyond this many added elements one whole-page scan is cheaper than one scan each. */
const MAX_LISTED = 300;

function isOurBadge(node: Node): boolean {
  return (node as Element).localName === BADGE_TAG;
}

export class MutationHub {
  private readonly listeners: MutationListener[] = [];
  private observer: MutationObserver | null = null;
  /** Records taken while the listeners run (their own writes, mostly): handled after them. */
  private pending: MutationRecord[] | null = null;

  subscribe(listener: MutationListener): void {
    this.listeners.push(listener);
    if (this.observer === null) {
      this.observer = new MutationObserver((records) => measured("seenby:mutations", () => this.handle(records)));
      this.observer.observe(document, { childList: true, subtree: true });
    }
  }

  /**
   * Takes the records of our own DOM writes at once (called right after them), so the
   * observer is not called back for them in a moment. Anything the site did meanwhile
   * is handled now.
   */
  takeRecords(): void {
    const records = this.observer?.takeRecords();
    if (records && records.length > 0) this.handle(records);
  }

  private handle(records: MutationRecord[]): void {
    if (this.pending !== null) {
      this.pending.push(...records);
      return;
    }
    this.pending = [];
    try {
      for (let batch: MutationRecord[] = records; batch.length > 0; batch = this.pending.splice(0)) {
        const added = this.collect(batch);
        if (added === undefined) continue;
        measured("seenby:locate", () => {
          for (const listener of this.listeners) listener(added);
        });
      }
    } finally {
      this.pending = null;
    }
  }

  /** The elements the site added (null: too many); undefined when it changed nothing (only our badges came or went). */
  private collect(records: MutationRecord[]): Element[] | null | undefined {
    let changed = false;
    let added: Element[] | null = [];
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (isOurBadge(node)) continue;
        changed = true;
        if (node.nodeType !== Node.ELEMENT_NODE || added === null) continue;
        added.push(node as Element);
        if (added.length > MAX_LISTED) added = null;
      }
      // Removals matter too: the site may have dropped one of our badges along with other nodes.
      if (!changed && record.removedNodes.length > 0) changed = [...record.removedNodes].some((node) => !isOurBadge(node));
    }
    return changed ? added : undefined;
  }
}
