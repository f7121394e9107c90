// The durable capture queue: captures wait in IndexedDB until the server acknowledged
// them, so a worker shutdown, a browser restart or a server that is down loses nothing.
// Keyed by capture id, so enqueuing the same capture twice stores it once. Pure: the
// IDBFactory is passed in (fake-indexeddb in tests).

import type { Capture } from "../shared/types";

export interface QueuedCapture {
  capture: Capture;
  /** The tab that captured it (-1 when none); its overlays go back there. */
  tabId: number;
  enqueuedAt: number;
  attempts: number;
  /** Insertion order: batches go oldest first, and the oldest are dropped when full. */
  seq: number;
  /** Size of the capture as UTF-8 JSON, for batching by size. */
  bytes: number;
}

export interface QueueStats {
  size: number;
  dropped: number;
  rejected: number;
  lastRejection: string | null;
  lastCaptureAt: string | null;
  lastSentAt: string | null;
}

export interface Rejection {
  id: string;
  error: string;
}

export interface BatchLimits {
  maxCount: number;
  maxBytes: number;
}

export const QUEUE_LIMIT = 5_000;
export const DEFAULT_BATCH: BatchLimits = { maxCount: 50, maxBytes: 2 * 1024 * 1024 };

const CAPTURES = "captures";
const META = "meta";
const BY_SEQ = "by-seq";

function done(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error("IndexedDB transaction failed"));
    transaction.onabort = () => reject(transaction.error ?? new Error("IndexedDB transaction aborted"));
  });
}

function result<T>(requestToWait: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    requestToWait.onsuccess = () => resolve(requestToWait.result);
    requestToWait.onerror = () => reject(requestToWait.error);
  });
}

const encoder = new TextEncoder();

/** Adds `amount` to a numeric meta counter inside `transaction`. */
function bump(meta: IDBObjectStore, key: string, amount: number): void {
  if (amount === 0) return;
  const read = meta.get(key);
  read.onsuccess = () => {
    const current = typeof read.result === "number" ? read.result : 0;
    meta.put(current + amount, key);
  };
}

export class CaptureQueue {
  private constructor(
    private readonly db: IDBDatabase,
    private nextSeq: number,
    readonly limit: number,
  ) {}

  static async open(factory: IDBFactory, name = "seenby-queue", limit = QUEUE_LIMIT): Promise<CaptureQueue> {
    const opening = factory.open(name, 1);
    opening.onupgradeneeded = () => {
      const captures = opening.result.createObjectStore(CAPTURES, { keyPath: "capture.id" });
      captures.createIndex(BY_SEQ, "seq", { unique: true });
      opening.result.createObjectStore(META);
    };
    const db = await result(opening);
    const last = await result(db.transaction(CAPTURES).objectStore(CAPTURES).index(BY_SEQ).openCursor(null, "prev"));
    const lastSeq = last ? (last.value as QueuedCapture).seq : 0;
    return new CaptureQueue(db, lastSeq + 1, limit);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Stores captures not already queued (same id = same capture), then drops the oldest
   * beyond the limit and counts them. Resolves once durable.
   */
  async enqueue(captures: readonly Capture[], tabId: number, now = Date.now()): Promise<{ added: number; dropped: number }> {
    const transaction = this.db.transaction([CAPTURES, META], "readwrite");
    const store = transaction.objectStore(CAPTURES);
    const meta = transaction.objectStore(META);
    let added = 0;
    let dropped = 0;
    for (const capture of captures) {
      const record: QueuedCapture = {
        capture,
        tabId,
        enqueuedAt: now,
        attempts: 0,
        seq: this.nextSeq++,
        bytes: encoder.encode(JSON.stringify(capture)).length,
      };
      const adding = store.add(record);
      adding.onsuccess = () => void added++;
      adding.onerror = (event) => {
        // Already queued: keep the first copy (and its attempts) and go on.
        if (adding.error?.name === "ConstraintError") {
          event.preventDefault();
          event.stopPropagation();
        }
      };
    }
    const counting = store.count();
    counting.onsuccess = () => {
      let excess = counting.result - this.limit;
      if (excess <= 0) return;
      const oldest = store.index(BY_SEQ).openCursor();
      oldest.onsuccess = () => {
        const cursor = oldest.result;
        if (!cursor || excess <= 0) return bump(meta, "dropped", dropped);
        cursor.delete();
        dropped++;
        excess--;
        cursor.continue();
      };
    };
    if (captures.length > 0) meta.put(new Date(now).toISOString(), "lastCaptureAt");
    await done(transaction);
    return { added, dropped };
  }

  /** The oldest captures that fit the limits; at least one when any is queued. */
  async nextBatch(limits: BatchLimits = DEFAULT_BATCH): Promise<QueuedCapture[]> {
    const transaction = this.db.transaction(CAPTURES);
    const batch: QueuedCapture[] = [];
    let bytes = 0;
    const walking = transaction.objectStore(CAPTURES).index(BY_SEQ).openCursor();
    walking.onsuccess = () => {
      const cursor = walking.result;
      if (!cursor || batch.length >= limits.maxCount) return;
      const record = cursor.value as QueuedCapture;
      if (batch.length > 0 && bytes + record.bytes > limits.maxBytes) return;
      batch.push(record);
      bytes += record.bytes;
      cursor.continue();
    };
    await done(transaction);
    return batch;
  }

  /**
   * Removes what the server settled: accepted and duplicate ids, and rejected ones
   * (a rejection is not retryable), which are counted with the last reason kept.
   */
  async ack(settledIds: readonly string[], rejections: readonly Rejection[] = [], now = Date.now()): Promise<void> {
    const transaction = this.db.transaction([CAPTURES, META], "readwrite");
    const store = transaction.objectStore(CAPTURES);
    const meta = transaction.objectStore(META);
    for (const id of settledIds) store.delete(id);
    for (const rejection of rejections) store.delete(rejection.id);
    bump(meta, "rejected", rejections.length);
    const last = rejections.at(-1);
    if (last) meta.put(last.error, "lastRejection");
    if (settledIds.length > 0 || rejections.length > 0) meta.put(new Date(now).toISOString(), "lastSentAt");
    await done(transaction);
  }

  /** Counts a failed try on each capture (shown nowhere yet; kept for diagnosis). */
  async markAttempt(ids: readonly string[]): Promise<void> {
    const transaction = this.db.transaction(CAPTURES, "readwrite");
    const store = transaction.objectStore(CAPTURES);
    for (const id of ids) {
      const reading = store.get(id);
      reading.onsuccess = () => {
        const record = reading.result as QueuedCapture | undefined;
        if (record) store.put({ ...record, attempts: record.attempts + 1 });
      };
    }
    await done(transaction);
  }

  async size(): Promise<number> {
    return result(this.db.transaction(CAPTURES).objectStore(CAPTURES).count());
  }

  async stats(): Promise<QueueStats> {
    const transaction = this.db.transaction([CAPTURES, META]);
    const meta = transaction.objectStore(META);
    const [size, dropped, rejected, lastRejection, lastCaptureAt, lastSentAt] = await Promise.all([
      result(transaction.objectStore(CAPTURES).count()),
      result(meta.get("dropped")),
      result(meta.get("rejected")),
      result(meta.get("lastRejection")),
      result(meta.get("lastCaptureAt")),
      result(meta.get("lastSentAt")),
    ]);
    const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
    return {
      size,
      dropped: typeof dropped === "number" ? dropped : 0,
      rejected: typeof rejected === "number" ? rejected : 0,
      lastRejection: text(lastRejection),
      lastCaptureAt: text(lastCaptureAt),
      lastSentAt: text(lastSentAt),
    };
  }
}
