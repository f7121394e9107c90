// Runs in the page's MAIN world at document_start. It has no chrome APIs and
// knows no rules: it hands every finished text/JSON/HTML exchange to the content
// script (see exchange.ts), which decides what to keep.

import { wrapFetch } from "./fetch";
import { wrapXhr } from "./xhr";

try {
  wrapFetch(window);
} catch {
  // the page keeps its original fetch
}
try {
  wrapXhr(window);
} catch {
  // the page keeps its original XMLHttpRequest
}
