// Main-thread time of the content script's work on posts, as User Timing measures
// that the end-to-end benchmark (bench/overlay_latency.py) sums. Every callback that
// does per-post work runs inside one:
//
//   seenby:mutations   the MutationObserver callback (what the site added or removed)
//   seenby:locate      finding posts in what was added, observing them
//   seenby:visible     IntersectionObserver callbacks: badges for posts near the viewport, dwell times
//   seenby:overlays    asking for overlays, checking and caching the answers and pushes
//   seenby:render      writing arrived overlays into their badges
//   seenby:impression  building impression captures
//   seenby:theme       reading the page's background (once, at idle time)
//   seenby:styles      parsing the badges' stylesheet (once, at idle time)
//
// Work on captures of the site's responses and pages (not per post) is measured as
// `seenby-capture:*`, which the benchmark reports beside, not in, the per-post figure.
//
// Only the benchmark's build records them (`npm run build:perf`; the unit tests too).
// The page shares the content script's performance timeline: any of its scripts could
// read the measures, learn that Seenby is there and follow what it does, and the
// entries would pile up for as long as the tab lives. So the builds users get record
// none, and `measured` just runs the work.

declare const SEENBY_PERF: boolean | undefined;

/** Set by the build (scripts/build.mjs); unset (as in unit tests) means on. */
const RECORDING = typeof SEENBY_PERF === "undefined" || SEENBY_PERF;

/** Time spent in measures nested in each open one (innermost last). */
const nested: number[] = [];
/** The names of the open measures (innermost last). */
const open: string[] = [];

/**
 * Runs `work` inside the measure `name`. A measure records its own time only: time in
 * measures nested in it is left to theirs, so the sum of all measures counts nothing
 * twice (the measure keeps its start, its duration is its own time). Work measured
 * under the name of the measure it runs in is simply part of that one.
 */
export function measured<T>(name: string, work: () => T): T {
  if (!RECORDING || open[open.length - 1] === name) return work();
  const start = performance.now();
  nested.push(0);
  open.push(name);
  try {
    return work();
  } finally {
    open.pop();
    const inner = nested.pop() ?? 0;
    const total = performance.now() - start;
    if (nested.length > 0) nested[nested.length - 1]! += total;
    try {
      performance.measure(name, { start, duration: Math.max(0, total - inner) });
    } catch {
      // User Timing unavailable: measuring is optional
    }
  }
}
