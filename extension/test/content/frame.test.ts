// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FrameBatch } from "../../src/content/frame";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("FrameBatch", () => {
  it("hands over what was added before the next frame in one batch", () => {
    const batches: number[][] = [];
    const batch = new FrameBatch<number>((items) => batches.push(items));
    batch.add(1, 2);
    batch.add(3);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(17); // a frame
    expect(batches).toEqual([[1, 2, 3]]);
    vi.advanceTimersByTime(100);
    expect(batches).toEqual([[1, 2, 3]]); // once, not again when the fallback timer was due
  });

  it("does not wait for frames that never come (hidden tabs)", () => {
    vi.stubGlobal("requestAnimationFrame", () => 0);
    vi.stubGlobal("cancelAnimationFrame", () => undefined);
    const batches: string[][] = [];
    const batch = new FrameBatch<string>((items) => batches.push(items), 50);
    batch.add("a");
    vi.advanceTimersByTime(49);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([["a"]]);
  });

  it("leaves out what was dropped meanwhile", () => {
    const batches: number[][] = [];
    const batch = new FrameBatch<number>((items) => batches.push(items));
    batch.add(1, 2, 3);
    batch.drop((item) => item !== 2);
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([[1, 3]]);
  });
});
