// Types shared by every part of the extension. They mirror the server's msgspec
// structs (sdk/seenby/platform.py, sdk/seenby/overlay.py, docs/api.md): keep in sync.

/** Rules the server serves at GET /api/v1/rules (one per platform plugin). */
export interface ApiRule {
  operation: string;
  url_pattern: string;
  methods: string[];
}

export interface DocumentRule {
  operation: string;
  url_pattern: string;
  script_selector: string | null;
}

export interface ActionRule {
  action: string;
  url_pattern: string;
  methods: string[];
  body_pattern: string | null;
  undo: boolean;
}

export interface DomActionRule {
  action: string;
  selector: string;
  post_id_attribute: string | null;
  post_id_pattern: string | null;
}

export interface DomLocator {
  post_selector: string;
  id_selector: string | null;
  id_attribute: string;
  id_pattern: string | null;
  /** `{id}` = the extracted value, `{host}` = location.host */
  id_template: string;
  anchor_selector: string | null;
  reply_box_selector: string | null;
  author_selector: string | null;
}

export interface ViewerHint {
  selector: string;
  attribute: string;
  pattern: string | null;
}

export interface Platform {
  name: string;
  label: string;
  hosts: string[];
  api: ApiRule[];
  documents: DocumentRule[];
  actions: ActionRule[];
  dom_actions: DomActionRule[];
  locator: DomLocator | null;
  viewer: ViewerHint | null;
  any_host: boolean;
}

export interface Rules {
  version: string;
  platforms: Platform[];
}

export type CaptureKind = "api" | "document" | "action" | "impression" | "dom" | "viewer";

/** Whether a capture may hold posts (a push follows its ingest): impressions and the viewer's handle do not. */
export function mayHoldPosts(capture: { kind: CaptureKind }): boolean {
  return capture.kind !== "impression" && capture.kind !== "viewer";
}

/** One capture as POSTed to /api/v1/captures (see docs/api.md). */
export interface Capture {
  id: string;
  kind: CaptureKind;
  url: string;
  method: string;
  status: number;
  page_url: string;
  captured_at: string;
  request_body?: unknown;
  body: unknown;
  platform?: string;
  operation?: string;
}

export interface Badge {
  text: string;
  title: string | null;
  tone: "neutral" | "info" | "good" | "warn";
}

export interface ReplyDraft {
  text: string;
  reason: string;
}

export interface Section {
  title: string;
  kind: "text" | "list" | "sparkline" | "suggestions";
  text: string | null;
  items: string[];
  values: number[];
  suggestions: ReplyDraft[];
}

export interface Overlay {
  platform: string;
  post_id: string;
  known: boolean;
  badges: Badge[];
  sections: Section[];
  errors: string[];
}

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: { index: number; error: string }[];
  overlays: Overlay[];
  statuses: Record<string, string>;
}

/** What the MAIN-world interceptor hands the content script (as a JSON string in a CustomEvent). */
export interface InterceptedExchange {
  url: string;
  method: string;
  status: number;
  requestBody: string | null;
  responseText: string;
  contentType: string;
  at: number;
}

/** Messages from content scripts and the popup to the background worker. */
export type ToBackground =
  | { type: "get-rules" }
  | { type: "captures"; captures: Capture[] }
  | { type: "get-overlays"; platform: string; post_ids: string[] }
  | { type: "get-state" }
  | { type: "pair"; server: string; code: string }
  | { type: "set-settings"; settings: Partial<Settings> }
  | { type: "request-host"; origin: string }
  | { type: "open-dashboard" };

/** Messages from the background worker to a tab's content script. */
export type ToContent = { type: "overlays"; overlays: Overlay[] } | { type: "rules"; rules: Rules };

export interface Settings {
  server: string;
  paused: boolean;
  disabledPlatforms: string[];
}

/** What the popup shows. */
export interface ExtensionState {
  server: string;
  paired: boolean;
  connected: boolean;
  lastError: string | null;
  queueSize: number;
  queueLimit: number;
  lastCaptureAt: string | null;
  lastSentAt: string | null;
  paused: boolean;
  platforms: { name: string; label: string; enabled: boolean; hosts: string[] }[];
  /** Captures dropped because the queue was full (oldest first), since install. */
  dropped: number;
  /** Captures the server rejected as malformed (never retried), since install. */
  rejected: number;
  lastRejection: string | null;
  /** Rule hosts the extension may not run on yet: the popup offers "Allow on <host>". */
  needsPermission: HostPermissionRequest[];
}

export interface HostPermissionRequest {
  platform: string;
  label: string;
  host: string;
  /** Match pattern for chrome.permissions.request({origins: [origin]}). */
  origin: string;
}

/** Answer to `pair` and `set-settings`. */
export type ActionResult = { ok: true; state: ExtensionState } | { ok: false; error: string };

/** Answer to `open-dashboard`: the tab opened on this login link, or why not. */
export type DashboardResult = { ok: true; url: string } | { ok: false; error: string };

export const INTERCEPT_EVENT = "seenby:exchange";
export const DEFAULT_SERVER = "http://127.0.0.1:7717";
