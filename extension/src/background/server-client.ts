// HTTP to the configured Seenby server and nowhere else: the URL is always
// `new URL(path, server)` with a fixed API path. Pure: fetch is passed in.

import type { IngestResponse, Overlay } from "../shared/types";

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface Connection {
  server: string;
  token: string | null;
}

export type Failure =
  /** No answer (server down, refused, timed out). */
  | "network"
  /** 401: the token is missing, wrong or revoked; pairing again fixes it. */
  | "unauthorized"
  /** 413: the body is over the server's limit. */
  | "too-large"
  /** Any other non-2xx answer, or an answer that is not what the route returns. */
  | "http";

export type ServerResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; failure: Failure; status: number; error: string };

const TIMEOUT_MS = 30_000;

/** The `error` of the server's error shape, else a generic text naming the status. */
function errorText(status: number, body: unknown): string {
  if (typeof body === "object" && body !== null && typeof (body as { error?: unknown }).error === "string") {
    return (body as { error: string }).error;
  }
  return `the server answered ${status}`;
}

function failureFor(status: number): Failure {
  if (status === 401) return "unauthorized";
  if (status === 413) return "too-large";
  return "http";
}

/** Treats `okStatuses` as answers whose body `parse` must accept. */
export async function request<T>(
  fetchImpl: FetchLike,
  connection: Connection,
  method: "GET" | "POST",
  path: string,
  body: unknown,
  parse: (data: unknown) => T | null,
  okStatuses: readonly number[] = [200],
): Promise<ServerResult<T>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (connection.token) headers.Authorization = `Bearer ${connection.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetchImpl(new URL(path, connection.server).href, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, failure: "network", status: 0, error: `cannot reach ${connection.server} (${reason})` };
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    // An empty or non-JSON body: judged by the status below.
  }
  if (okStatuses.includes(response.status)) {
    const parsed = parse(data);
    if (parsed !== null) return { ok: true, status: response.status, data: parsed };
    return { ok: false, failure: "http", status: response.status, error: "the server's answer has an unexpected shape" };
  }
  return { ok: false, failure: failureFor(response.status), status: response.status, error: errorText(response.status, data) };
}

function isOverlayList(value: unknown): value is Overlay[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) =>
        typeof item === "object" &&
        item !== null &&
        typeof (item as Overlay).platform === "string" &&
        typeof (item as Overlay).post_id === "string" &&
        Array.isArray((item as Overlay).badges) &&
        Array.isArray((item as Overlay).sections),
    )
  );
}

export function parseIngestResponse(data: unknown): IngestResponse | null {
  if (typeof data !== "object" || data === null) return null;
  const answer = data as Partial<IngestResponse>;
  const rejectedOk =
    Array.isArray(answer.rejected) &&
    answer.rejected.every((item) => typeof item?.index === "number" && typeof item.error === "string");
  if (typeof answer.accepted !== "number" || typeof answer.duplicates !== "number" || !rejectedOk) return null;
  if (!isOverlayList(answer.overlays)) return null;
  return {
    accepted: answer.accepted,
    duplicates: answer.duplicates,
    rejected: answer.rejected ?? [],
    overlays: answer.overlays,
    statuses: typeof answer.statuses === "object" && answer.statuses !== null ? answer.statuses : {},
  };
}

export function parseOverlays(data: unknown): Overlay[] | null {
  const overlays = (data as { overlays?: unknown } | null)?.overlays;
  return isOverlayList(overlays) ? overlays : null;
}

export function parseToken(data: unknown): string | null {
  const token = (data as { token?: unknown } | null)?.token;
  return typeof token === "string" && token.length > 0 ? token : null;
}

/**
 * The path and query of the login link in a `POST /api/v1/dashboard/link` answer. Only
 * those are kept: the tab opens them on the server address the extension was paired
 * with, so an answer can never send the browser anywhere else.
 */
export function parseDashboardLink(data: unknown): string | null {
  const url = (data as { url?: unknown } | null)?.url;
  if (typeof url !== "string") return null;
  let link: URL;
  try {
    link = new URL(url);
  } catch {
    return null;
  }
  const code = link.searchParams.get("code");
  if (link.pathname !== "/dashboard/login" || !code) return null;
  return `/dashboard/login?${new URLSearchParams({ code })}`;
}

/** A batch in which every capture was rejected is a 422 with the same body as a 200. */
export const INGEST_OK_STATUSES = [200, 422] as const;

/** "Firefox", "Edge", "Chrome" or "Chromium" — names the token in `seenby token list`. */
export function browserName(userAgent: string): string {
  if (/Firefox\//.test(userAgent)) return "Firefox";
  if (/Edg\//.test(userAgent)) return "Edge";
  if (/Chrome\//.test(userAgent) && !/Chromium\//.test(userAgent)) return "Chrome";
  return "Chromium";
}
