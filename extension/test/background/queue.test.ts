import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { CaptureQueue } from "../../src/background/queue";
import { makeCapture } from "./helpers";

const open = (factory = new IDBFactory(), limit = 5_000) => CaptureQueue.open(factory, "test-queue", limit);

describe("CaptureQueue", () => {
  it("stores a capture once however often it is enqueued", async () => {
    const queue = await open();
    const capture = makeCapture();
    expect(await queue.enqueue([capture, capture], 1)).toEqual({ added: 1, dropped: 0 });
    expect(await queue.enqueue([capture], 2)).toEqual({ added: 0, dropped: 0 });
    const [record] = await queue.nextBatch({ maxCount: 10, maxBytes: 1e9 });
    expect(await queue.size()).toBe(1);
    expect(record?.tabId).toBe(1);
    expect(record?.capture).toEqual(capture);
  });

  it("drops the oldest captures beyond its limit and counts them", async () => {
    const queue = await open(new IDBFactory(), 3);
    const captures = Array.from({ length: 5 }, () => makeCapture());
    await queue.enqueue(captures.slice(0, 2), 1);
    expect(await queue.enqueue(captures.slice(2), 1)).toEqual({ added: 3, dropped: 2 });
    const batch = await queue.nextBatch({ maxCount: 10, maxBytes: 1e9 });
    expect(batch.map((record) => record.capture.id)).toEqual(captures.slice(2).map((capture) => capture.id));
    await queue.enqueue([makeCapture()], 1);
    expect((await queue.stats()).dropped).toBe(3);
  });

  it("selects batches oldest first, bounded by count and by size", async () => {
    const queue = await open();
    const captures = Array.from({ length: 7 }, () => makeCapture({ body: "x".repeat(1_000) }));
    await queue.enqueue(captures, 1);
    const byCount = await queue.nextBatch({ maxCount: 3, maxBytes: 1e9 });
    expect(byCount.map((record) => record.capture.id)).toEqual(captures.slice(0, 3).map((capture) => capture.id));
    const bySize = await queue.nextBatch({ maxCount: 50, maxBytes: 3_000 });
    expect(bySize).toHaveLength(2);
    expect(bySize.every((record) => record.bytes > 1_000 && record.bytes < 1_500)).toBe(true);
    // A single capture over the size limit still goes alone rather than blocking the queue.
    const oversized = await queue.nextBatch({ maxCount: 50, maxBytes: 10 });
    expect(oversized).toHaveLength(1);
  });

  it("removes accepted, duplicate and rejected captures on ack and counts rejections", async () => {
    const queue = await open();
    const [accepted, duplicate, rejected, waiting] = Array.from({ length: 4 }, () => makeCapture());
    await queue.enqueue([accepted!, duplicate!, rejected!, waiting!], 1);
    await queue.ack([accepted!.id, duplicate!.id], [{ id: rejected!.id, error: "bad url" }]);
    const stats = await queue.stats();
    expect(stats.size).toBe(1);
    expect(stats.rejected).toBe(1);
    expect(stats.lastRejection).toBe("bad url");
    expect(stats.lastSentAt).not.toBeNull();
    expect((await queue.nextBatch())[0]?.capture.id).toBe(waiting!.id);
  });

  it("counts failed attempts per capture", async () => {
    const queue = await open();
    const capture = makeCapture();
    await queue.enqueue([capture], 1);
    await queue.markAttempt([capture.id]);
    await queue.markAttempt([capture.id]);
    expect((await queue.nextBatch())[0]?.attempts).toBe(2);
  });

  it("keeps captures, order and counters across a new queue on the same database", async () => {
    const factory = new IDBFactory();
    const first = await open(factory, 3);
    const captures = Array.from({ length: 4 }, () => makeCapture());
    await first.enqueue(captures, 7);
    first.close();
    const second = await open(factory, 3);
    expect(await second.size()).toBe(3);
    expect((await second.stats()).dropped).toBe(1);
    const later = makeCapture();
    await second.enqueue([later], 7);
    const order = (await second.nextBatch()).map((record) => record.capture.id);
    expect(order).toEqual([captures[2]!.id, captures[3]!.id, later.id]);
  });
});
