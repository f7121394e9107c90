// Builds dist/chromium and dist/firefox: esbuild bundles each entry into one classic
// script (content scripts and Firefox's background page cannot be modules), copies the
// popup's page, draws the icons and writes each browser's manifest.
//
// `--perf` builds dist/chromium-perf instead: the same extension with the content
// script's User Timing measures on (src/content/perf.ts), for bench/overlay_latency.py.
// The builds users get record none.

import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { ICON_SIZES, iconPng } from "./icons.mjs";
import { makeManifest } from "./manifest.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const ENTRIES = {
  interceptor: "src/main-world/index.ts",
  content: "src/content/index.ts",
  background: "src/background/index.ts",
  popup: "src/popup/popup.ts",
};
const STATIC_FILES = ["src/popup/popup.html", "src/popup/popup.css"];
const PERF = process.argv.includes("--perf");
const TARGETS = PERF
  ? { chromium: ["chrome120"] }
  : {
      chromium: ["chrome120"],
      firefox: ["firefox128"],
    };

const missing = [...Object.values(ENTRIES), ...STATIC_FILES].filter((path) => !existsSync(join(root, path)));
if (missing.length > 0) {
  console.error(`build: missing entry files:\n  ${missing.join("\n  ")}`);
  process.exit(1);
}

const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
const hosts = JSON.parse(await readFile(join(root, "hosts.json"), "utf8"));
if (!Array.isArray(hosts) || !hosts.every((host) => typeof host === "string")) {
  console.error("build: hosts.json must be a list of match patterns");
  process.exit(1);
}

for (const [target, esTarget] of Object.entries(TARGETS)) {
  const out = join(root, "dist", PERF ? `${target}-perf` : target);
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, "icons"), { recursive: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(root, path)])),
    outdir: out,
    bundle: true,
    format: "iife",
    target: esTarget,
    platform: "browser",
    charset: "utf8",
    legalComments: "none",
    define: { SEENBY_PERF: String(PERF) },
    logLevel: "warning",
  });
  for (const file of STATIC_FILES) await copyFile(join(root, file), join(out, file.split("/").at(-1)));
  for (const size of ICON_SIZES) await writeFile(join(out, "icons", `icon-${size}.png`), iconPng(size));
  const manifest = makeManifest(target, { version: pkg.version, hosts });
  await writeFile(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`built ${out.slice(root.length + 1)}`);
}
