// Document rules: server-rendered pages (HN, Reddit, first loads of LinkedIn and
// Facebook) are captured once the DOM is parsed, and again when a single-page app
// moves to another matching URL (noticed on DOM mutations: the MAIN world's
// history is out of reach from here).

import { patternMatches } from "../shared/rules";
import type { Capture, DocumentRule, Platform } from "../shared/types";
import { newCapture, type CaptureFields } from "./captures";
import { measured } from "./perf";

/** Time for a single-page app to render the new page before we copy it. */
const SETTLE_MS = 1000;

function documentBody(rule: DocumentRule): string | null {
  if (rule.script_selector === null) return document.documentElement.outerHTML;
  let scripts: Element[];
  try {
    scripts = [...document.querySelectorAll(rule.script_selector)];
  } catch {
    return null;
  }
  return scripts.length > 0 ? scripts.map((script) => script.textContent ?? "").join("\n") : null;
}

export class DocumentWatcher {
  private capturedUrl: string | null = null;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly platform: () => Platform,
    private readonly send: (capture: Capture) => void,
  ) {}

  /** Captures the current page once it is parsed. */
  start(): void {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", () => this.capture(), { once: true });
    } else {
      this.capture();
    }
  }

  /** Called on DOM mutations: a new URL means a single-page navigation. */
  checkUrl(): void {
    if (this.capturedUrl === null || location.href === this.capturedUrl) return;
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.capture();
    }, SETTLE_MS);
  }

  private capture(): void {
    measured("seenby-capture:document", () => this.captureNow());
  }

  private captureNow(): void {
    const url = location.href;
    this.capturedUrl = url;
    const rule = this.platform().documents.find((candidate) => patternMatches(candidate.url_pattern, url));
    if (!rule) return;
    const body = documentBody(rule);
    if (body === null) return;
    const fields: CaptureFields = { kind: "document", url, method: "GET", status: 200, body, operation: rule.operation };
    this.send(newCapture(this.platform().name, fields, url));
  }
}
