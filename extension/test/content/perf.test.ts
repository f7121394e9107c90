// The benchmark sums every seenby:* measure: a measure nested in another must not be
// counted twice.
import { afterEach, describe, expect, it, vi } from "vitest";
import { measured } from "../../src/content/perf";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("measured", () => {
  it("records each measure's own time: nested measures are left out of the outer one", () => {
    const clock = [0, 1, 4, 10]; // outer start, inner start, inner end, outer end
    vi.spyOn(performance, "now").mockImplementation(() => clock.shift() ?? 10);
    const measures: [string, number | undefined][] = [];
    vi.spyOn(performance, "measure").mockImplementation(((name: string, options: PerformanceMeasureOptions) => {
      measures.push([name, options.duration]);
    }) as unknown as typeof performance.measure);
    const result = measured("seenby:outer", () => measured("seenby:inner", () => 42));
    expect(result).toBe(42);
    expect(measures).toEqual([
      ["seenby:inner", 3],
      ["seenby:outer", 7],
    ]);
  });

  it("records work measured under the name of the measure around it as part of that one", () => {
    const clock = [0, 10];
    vi.spyOn(performance, "now").mockImplementation(() => clock.shift() ?? 10);
    const measures: [string, number | undefined][] = [];
    vi.spyOn(performance, "measure").mockImplementation(((name: string, options: PerformanceMeasureOptions) => {
      measures.push([name, options.duration]);
    }) as unknown as typeof performance.measure);
    expect(measured("seenby:same", () => measured("seenby:same", () => 7))).toBe(7);
    expect(measures).toEqual([["seenby:same", 10]]);
  });

  it("measures work that throws, and works without User Timing", () => {
    vi.spyOn(performance, "measure").mockImplementation(() => {
      throw new TypeError("no User Timing");
    });
    expect(() => measured("seenby:x", () => {
      throw new Error("boom");
    })).toThrow("boom");
    expect(measured("seenby:x", () => "fine")).toBe("fine");
  });
});
