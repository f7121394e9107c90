// Retry schedule after a failed send: 1 s doubling to 60 s, with jitter so that a
// browser restart with many queued captures does not hammer a server that just came back
// in lockstep with itself.

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 60_000;

/** Delay before the next try after `failures` consecutive failures (1 = the first failure). */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures, 32) - 1);
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** exponent);
  // "Equal jitter": at least half the ceiling, so a retry never fires at once.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
