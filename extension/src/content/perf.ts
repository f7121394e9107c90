// Main-thread time of our per-post work, as User Timing measures (`seenby:locate`,
// `seenby:visible`, `seenby:render`, `seenby:theme`) that the end-to-end benchmark reads.

export function measured<T>(name: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    try {
      performance.measure(name, { start, end: performance.now() });
    } catch {
      // User Timing unavailable: measuring is optional
    }
  }
}
