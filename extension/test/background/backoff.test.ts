import { describe, expect, it } from "vitest";
import { BACKOFF_MAX_MS, backoffDelay } from "../../src/background/backoff";

describe("backoffDelay", () => {
  it("doubles from 1 s up to 60 s", () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((failures) => backoffDelay(failures, () => 1));
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it("jitters within the upper half of the step, never firing at once", () => {
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(3, () => 0.5)).toBe(3_000);
    for (let failures = 1; failures < 40; failures++) {
      const delay = backoffDelay(failures);
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(BACKOFF_MAX_MS);
    }
  });
});
