// The site's theme, read from the background colour behind a post, so the badge
// is legible on light and dark sites alike.

export type Theme = "light" | "dark";

/** `rgb(…)`/`rgba(…)` as getComputedStyle gives it, with commas or spaces; null for anything else. */
export function parseColor(css: string): [number, number, number, number] | null {
  const match = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+)(%?))?\s*\)$/i.exec(css.trim());
  if (!match) return null;
  let alpha = match[4] === undefined ? 1 : Number(match[4]);
  if (match[5] === "%") alpha /= 100;
  return [Number(match[1]), Number(match[2]), Number(match[3]), alpha];
}

/** WCAG relative luminance of an sRGB colour (0 black … 1 white). */
export function luminance(red: number, green: number, blue: number): number {
  const linear = (channel: number): number => {
    const value = channel / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue);
}

/** Dark when the nearest non-transparent background up the tree is dark; light when none is set. */
export function themeBehind(element: Element): Theme {
  for (let node: Element | null = element; node !== null; node = node.parentElement) {
    const color = parseColor(getComputedStyle(node).backgroundColor);
    if (color === null || color[3] < 0.5) continue;
    return luminance(color[0], color[1], color[2]) < 0.4 ? "dark" : "light";
  }
  return "light";
}

/** Before the page's colours are read: the system's scheme, which many sites follow. */
export function guessedTheme(): Theme {
  try {
    return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  } catch {
    return "light";
  }
}

/** When the page is idle (a style read there costs no frame), or soon where there is no idle callback. */
export function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(work, { timeout: 500 });
  else setTimeout(work, 0);
}
