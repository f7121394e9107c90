// Test doubles for what happy-dom lacks or what the extension gets from Chrome.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";
import type { Platform, Rules } from "../../src/shared/types";
import rulesJson from "../fixtures/rules.json";

/** The rules a running server served (GET /api/v1/rules), saved as a fixture. */
export const RULES = rulesJson as Rules;

export function platformNamed(name: string): Platform {
  const platform = RULES.platforms.find((candidate) => candidate.name === name);
  if (!platform) throw new Error(`no platform ${name} in the rules fixture`);
  return platform;
}

export function fixture(name: string): string {
  return readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures", name), "utf8");
}

/** Sets the page's URL (happy-dom keeps one window per test file). */
export function goTo(url: string): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

/** An IntersectionObserver the test drives: `FakeIntersectionObserver.show(posts, ratio)`. */
export class FakeIntersectionObserver {
  static instances: FakeIntersectionObserver[] = [];
  readonly targets = new Set<Element>();

  constructor(
    private readonly callback: IntersectionObserverCallback,
    readonly options: IntersectionObserverInit = {},
  ) {
    FakeIntersectionObserver.instances.push(this);
  }

  observe(target: Element): void {
    this.targets.add(target);
  }

  unobserve(target: Element): void {
    this.targets.delete(target);
  }

  disconnect(): void {
    this.targets.clear();
  }

  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }

  static show(targets: Element[], ratio: number): void {
    for (const observer of FakeIntersectionObserver.instances) {
      const entries = targets
        .filter((target) => observer.targets.has(target))
        .map((target) => ({ target, isIntersecting: ratio > 0, intersectionRatio: ratio }) as IntersectionObserverEntry);
      if (entries.length > 0) observer.callback(entries, observer as unknown as IntersectionObserver);
    }
  }

  static observedTargets(): Element[] {
    return FakeIntersectionObserver.instances.flatMap((observer) => [...observer.targets]);
  }
}

export function useFakeIntersectionObserver(): void {
  FakeIntersectionObserver.instances = [];
  vi.stubGlobal("IntersectionObserver", FakeIntersectionObserver);
}

/** The badge button inside a badge host's open shadow root. */
export function badgeButton(host: Element | null | undefined): HTMLButtonElement {
  const button = host?.shadowRoot?.querySelector("button.badge");
  if (!(button instanceof HTMLButtonElement)) throw new Error("no badge button");
  return button;
}
