import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { iconPng } from "../../scripts/icons.mjs";
import { makeManifest } from "../../scripts/manifest.mjs";

const hosts = JSON.parse(readFileSync(new URL("../../hosts.json", import.meta.url), "utf8"));

describe("manifests", () => {
  it("share everything but the background and Firefox's settings", () => {
    const chromium = makeManifest("chromium", { version: "1.2.3", hosts });
    const firefox = makeManifest("firefox", { version: "1.2.3", hosts });
    expect(chromium.background).toEqual({ service_worker: "background.js" });
    expect(firefox.background).toEqual({ scripts: ["background.js"] });
    expect(firefox.browser_specific_settings.gecko).toMatchObject({ id: "seenby@seenby.invalid", strict_min_version: "140.0" });
    const { background: _a, browser_specific_settings: _b, ...firefoxRest } = firefox;
    const { background: _c, ...chromiumRest } = chromium;
    expect(firefoxRest).toEqual(chromiumRest);
  });

  it("inject the interceptor into the page's world and the content script beside it, at document_start", () => {
    const manifest = makeManifest("chromium", { version: "1", hosts });
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.permissions).toEqual(["storage", "scripting", "alarms"]);
    expect(manifest.host_permissions).toEqual([...hosts, "http://127.0.0.1/*", "http://localhost/*"]);
    expect(manifest.content_scripts).toEqual([
      { matches: hosts, js: ["interceptor.js"], run_at: "document_start", world: "MAIN" },
      { matches: hosts, js: ["content.js"], run_at: "document_start" },
    ]);
  });
});

describe("icons", () => {
  it("are valid RGBA PNGs of the asked size", () => {
    const png = iconPng(16);
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(16);
    const idat = png.indexOf("IDAT");
    const length = png.readUInt32BE(idat - 4);
    expect(inflateSync(png.subarray(idat + 4, idat + 4 + length))).toHaveLength(16 * (1 + 16 * 4));
  });
});
