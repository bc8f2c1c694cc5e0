/**
 * The HTTP edge every request crosses, whichever client sends it (the Pinterest API client or the
 * credential-free report download): which URLs may be asked at all, a deadline for the whole request,
 * redirects never followed blindly, and bodies read with a byte cap. The clients add what is theirs
 * (credentials, rate budgets and recovery for the API; the link policy and size-based deadline for downloads).
 */
import { ConnectorError, configError } from '../errors';

/** setTimeout fires at once for delays above this (2^31 − 1 ms): every longer deadline is clamped to it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Redirect hops a download may take (a pre-signed link may point at a regional endpoint). */
const MAX_DOWNLOAD_REDIRECTS = 5;

/**
 * The request's deadline as a watchdog over the time spent waiting on the network, headers and body
 * together: paused while our own consumer works on what arrived (a slow destination must not make
 * Pinterest look slow), resumed for every wait. Once the waits add up to the budget, the request is aborted.
 */
export interface Watchdog {
  pause(): void;
  resume(): void;
}

export function requestDeadline(controller: AbortController, budgetMs: number, reason: string): Watchdog {
  let timer: NodeJS.Timeout | undefined;
  let waitedMs = 0;
  let since = 0;
  const pause = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    waitedMs += Date.now() - since;
  };
  return {
    pause,
    resume: () => {
      pause();
      since = Date.now();
      const left = Math.min(MAX_TIMER_MS, Math.max(0, budgetMs - waitedMs));
      timer = setTimeout(() => controller.abort(new DOMException(reason, 'TimeoutError')), left);
    },
  };
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(host)
  );
}

/**
 * An address no public report host has: loopback, private (RFC 1918, unique-local), link-local (cloud
 * metadata services live there), "this network" and the IPv4-mapped forms of them. Only literal addresses
 * and `localhost` are recognised here; names are not resolved.
 */
export function isInternalHost(hostname: string): boolean {
  if (isLoopbackHost(hostname)) return true;
  let host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(host);
  if (mapped) host = mapped[1];
  // The URL parser writes an IPv4-mapped address in hex (::ffff:a00:1 for 10.0.0.1).
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mappedHex) {
    const [hi, lo] = [parseInt(mappedHex[1], 16), parseInt(mappedHex[2], 16)];
    host = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (host.includes(':')) return host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  return false;
}

/** Only https, or http on loopback (tests and the simulator); anything else could leak the token. */
export function validateBaseUrl(raw: string, variable = 'PINTEREST_API_URL'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(`${variable} is not a URL: ${raw}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw configError(`${variable} must be an https:// URL (or http:// on loopback), got ${url.protocol}//${url.host}`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * The link policy of report downloads, checked on the link and on every redirect hop: the API's scheme is
 * followed (an https API never lets a plain-http link through, loopback or not), no credentials in the URL,
 * and no internal address unless the API itself is on loopback (the simulator and tests).
 */
export function checkDownloadUrl(raw: string, apiBaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectorError('Pinterest gave a report link that is not a URL; the read stops.', 'transient_error');
  }
  const api = new URL(apiBaseUrl);
  const apiLoopback = isLoopbackHost(api.hostname);
  const schemeOk =
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && api.protocol === 'http:' && apiLoopback && isLoopbackHost(url.hostname));
  if (!schemeOk) {
    throw new ConnectorError(
      `Pinterest gave a report link over ${url.protocol}// to ${url.host}; only https is accepted, and the read stops.`,
      'transient_error',
    );
  }
  if (url.username || url.password)
    throw new ConnectorError('Pinterest gave a report link carrying credentials; the read stops.', 'transient_error');
  if (!apiLoopback && isInternalHost(url.hostname)) {
    throw new ConnectorError(
      `Pinterest gave a report link to an internal address (${url.host}); only public hosts are accepted, and the read stops.`,
      'transient_error',
    );
  }
  return url;
}

/** The announced length, NaN when absent or not a number. */
export function contentLength(headers: Headers): number {
  return Number(headers.get('content-length') ?? NaN);
}

/** With a Content-Encoding, Content-Length counts the compressed bytes, not the decoded body. */
export function isEncoded(headers: Headers): boolean {
  return (headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
}

/** Drops a body we do not read. Not awaited: a body stream whose cancel never settles must not hang the read. */
export function discardBody(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}

interface BoundedRequest {
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** An undici Agent (connection reuse, header timeout); undici's extension of RequestInit. */
  dispatcher?: unknown;
  /** 0: a 3xx is returned to the caller, never followed (requests that carry a credential). */
  maxRedirects: number;
  /** Checked before the first request and before every redirect hop; throws to refuse. */
  checkUrl?: (url: string) => void;
}

/**
 * One request through the edge: redirects are never followed by fetch itself; a download follows them
 * here, each hop checked, up to `maxRedirects`.
 */
export async function boundedFetch(url: string, req: BoundedRequest): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    req.checkUrl?.(current);
    const init: Record<string, unknown> = {
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      redirect: 'manual',
    };
    if (req.dispatcher) init.dispatcher = req.dispatcher;
    const response = await fetch(current, init as RequestInit);
    const location = response.headers.get('location');
    if (req.maxRedirects === 0 || response.status < 300 || response.status >= 400 || !location) return response;
    discardBody(response);
    if (hop >= req.maxRedirects)
      throw new ConnectorError(
        `The download was redirected more than ${req.maxRedirects} times; the read stops.`,
        'transient_error',
      );
    current = new URL(location, current).toString();
  }
}

/**
 * GET a report link with no credential at all (no Authorization header, ever), under the link policy of
 * an API at `apiBaseUrl`, on every hop.
 */
export function fetchWithoutCredentials(url: string, signal: AbortSignal, apiBaseUrl: string): Promise<Response> {
  return boundedFetch(url, {
    headers: { accept: 'application/json, text/csv, */*' },
    signal,
    maxRedirects: MAX_DOWNLOAD_REDIRECTS,
    checkUrl: (hop) => {
      checkDownloadUrl(hop, apiBaseUrl);
    },
  });
}

/**
 * The body as one Buffer, at most `limit` decoded bytes ('too large' beyond). With a usable Content-Length
 * the chunks are copied into a buffer of that size as they arrive (arrayBuffer() would hold the chunks and
 * their concatenation at once: twice a large answer). A body longer than announced is cut there; a shorter
 * one is returned short (the caller sees the gap).
 */
export async function readBounded(response: Response, limit: number): Promise<Buffer | 'too large'> {
  if (!response.body) return Buffer.alloc(0);
  const length = contentLength(response.headers);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  if (!Number.isFinite(length) || length < 0 || length > limit || isEncoded(response.headers)) {
    // No usable length (chunked, or compressed): count the decoded bytes and stop at the limit.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        void reader.cancel().catch(() => undefined);
        return 'too large';
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, total);
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const n = Math.min(value.length, length - at);
    if (n > 0) out.set(n === value.length ? value : value.subarray(0, n), at);
    at += value.length;
    if (at > length) {
      void reader.cancel().catch(() => undefined);
      break;
    }
  }
  return at === length ? out : out.subarray(0, Math.min(at, length));
}
