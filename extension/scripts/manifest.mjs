// One manifest source for both browsers; only the background and Firefox's own settings
// differ. `hosts` is hosts.json: the built-in platforms' hosts as match patterns.

import { ICON_SIZES } from "./icons.mjs";

/** The local server: the only other place the extension talks to. */
export const SERVER_HOSTS = ["http://127.0.0.1/*", "http://localhost/*"];

export function makeManifest(target, { version, hosts }) {
  if (target !== "chromium" && target !== "firefox") throw new Error(`unknown target ${target}`);
  const icons = Object.fromEntries(ICON_SIZES.map((size) => [String(size), `icons/icon-${size}.png`]));
  const manifest = {
    manifest_version: 3,
    name: "Seenby",
    version,
    description: "Keeps what social sites show you in your own local database, and shows what it knows next to each post.",
    icons,
    permissions: ["storage", "scripting", "alarms"],
    host_permissions: [...hosts, ...SERVER_HOSTS],
    optional_host_permissions: ["https://*/*", "http://*/*"],
    content_scripts: [
      { matches: hosts, js: ["interceptor.js"], run_at: "document_start", world: "MAIN" },
      { matches: hosts, js: ["content.js"], run_at: "document_start" },
    ],
    action: { default_title: "Seenby", default_popup: "popup.html", default_icon: icons },
  };
  if (target === "chromium") {
    manifest.background = { service_worker: "background.js" };
  } else {
    manifest.background = { scripts: ["background.js"] };
    manifest.browser_specific_settings = {
      gecko: {
        id: "seenby@seenby.invalid",
        // MAIN-world content scripts need Firefox 128; 140 (the current ESR) is the first
        // that knows data_collection_permissions, which addons.mozilla.org requires.
        strict_min_version: "140.0",
        // Everything goes to the user's own server on this computer, nowhere else.
        data_collection_permissions: { required: ["none"] },
      },
      // Firefox for Android learnt data_collection_permissions in 142.
      gecko_android: { strict_min_version: "142.0" },
    };
  }
  return manifest;
}
