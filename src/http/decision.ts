/**
 * What one answer of Pinterest means for the request that got it: a pure function of the status, the
 * headers and the body (read whole), table-tested in unit_tests/decision.test.ts. The requester acts on
 * the decision (retry, wait, refresh the token, fail); nothing here has side effects.
 */
import { ConnectorError, configError } from '../errors';
import { ApiError } from './errors';
import { MAX_JSON_DEPTH, jsonDepthExceeds, parseJsonExact } from './json-exact';
import { isPinRefusal, isScopeRefusal, ScopeRefusedError } from './pinterest-errors';
import { maskedSnippet } from '../util/secrets';

export type Attempt =
  | { kind: 'ok'; body: unknown }
  | { kind: 'retry'; problem: string; delayMs?: number; local?: boolean }
  | { kind: 'rate_limited'; waitMs?: number; resetAtMs?: number }
  | { kind: 'unauthorized'; error: ApiError }
  | { kind: 'spurious400'; error: ApiError; delayMs?: number }
  | { kind: 'fail'; error: ConnectorError };

/** An error answer that is an answer, not a fault: never retried (e.g. a 503 with code 4197, "ramped down"). */
export interface KnownAnswer {
  status: number;
  /** Pinterest's `code` in the body; any code when absent. */
  code?: number;
}

/** The decision for an answer read whole (`bytes`); 3xx answers need no body. */
export function decide(
  status: number,
  headers: Headers,
  bytes: Buffer,
  what: string,
  known?: readonly KnownAnswer[],
): Attempt {
  if (status >= 300 && status < 400) return { kind: 'fail', error: redirectError(what, status, headers) };
  if (jsonDepthExceeds(bytes)) {
    return {
      kind: 'fail',
      error: new ConnectorError(
        `Pinterest answered ${what} with JSON nested deeper than ${MAX_JSON_DEPTH} levels; no records were taken from it.`,
        'transient_error',
      ),
    };
  }
  const text = bytes.toString('utf8');
  const parsed = parseJson(text);
  if (status >= 200 && status < 300) {
    if (parsed === undefined)
      return { kind: 'retry', problem: `HTTP ${status} with a body that is not JSON (${snippet(text)})` };
    return { kind: 'ok', body: parsed };
  }
  const apiCode =
    typeof (parsed as { code?: unknown })?.code === 'number' ? (parsed as { code: number }).code : undefined;
  const apiMessage =
    typeof (parsed as { message?: unknown })?.message === 'string'
      ? (parsed as { message: string }).message
      : snippet(text) || '(no message)';
  if (known?.some((a) => a.status === status && (a.code === undefined || a.code === apiCode))) {
    return { kind: 'fail', error: new ApiError(status, apiCode, apiMessage, what, 'config_error') };
  }
  if (status === 429) {
    return { kind: 'rate_limited', ...rateLimitWait(headers) };
  }
  if (status >= 500 || status === 408) {
    const wait = rateLimitWait(headers);
    return { kind: 'retry', problem: `HTTP ${status}: ${apiMessage}`, delayMs: wait.waitMs };
  }
  // A missing scope is a 401 too, but no refreshed token would carry the scope: fail without refreshing.
  if (isScopeRefusal(status, apiCode))
    return { kind: 'fail', error: new ScopeRefusedError(status, apiCode, apiMessage, what) };
  const error = new ApiError(status, apiCode, apiMessage, what, 'config_error');
  if (status === 401 && !isPinRefusal(status, apiCode)) return { kind: 'unauthorized', error };
  if (status === 400) {
    if (/only get data from the last 90 days/i.test(apiMessage)) return { kind: 'spurious400', error };
    const retryAfter = /retry after (\d+) seconds?/i.exec(apiMessage);
    if (retryAfter) return { kind: 'spurious400', error, delayMs: Number(retryAfter[1]) * 1000 };
    if (apiCode === 12 || /something went wrong/i.test(apiMessage))
      return { kind: 'retry', problem: `HTTP 400: ${apiMessage}` };
  }
  return { kind: 'fail', error };
}

/**
 * Retry-After (seconds), else X-RateLimit-Reset (seconds to wait below 10^9, epoch seconds above), else
 * X-Userendpoint-Ratelimit-Reset-Seconds (the older family some answers carry: seconds to wait).
 */
export function rateLimitWait(headers: Headers, now = Date.now()): { waitMs?: number; resetAtMs?: number } {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds))
      return { waitMs: Math.max(0, seconds * 1000), resetAtMs: now + Math.max(0, seconds * 1000) };
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return { waitMs: Math.max(0, date - now), resetAtMs: date };
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && reset.trim() !== '' && Number.isFinite(Number(reset))) {
    const value = Number(reset);
    const resetAtMs = value < 1e9 ? now + value * 1000 : value * 1000;
    return { waitMs: Math.max(0, resetAtMs - now), resetAtMs };
  }
  const userReset = headers.get('x-userendpoint-ratelimit-reset-seconds');
  if (userReset !== null && userReset.trim() !== '' && Number.isFinite(Number(userReset))) {
    const waitMs = Math.max(0, Number(userReset) * 1000);
    return { waitMs, resetAtMs: now + waitMs };
  }
  return {};
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  const c = text.charCodeAt(0);
  // '{' or '[' (after optional whitespace): anything else (an HTML error page) is not an API answer.
  if (c !== 123 && c !== 91 && text.trimStart()[0] !== '{' && text.trimStart()[0] !== '[') return undefined;
  try {
    return parseJsonExact(text);
  } catch {
    return undefined;
  }
}

/** A redirect is never followed: it would carry the credential (and the token form) to the host it names. */
function redirectError(what: string, status: number, headers: Headers): ConnectorError {
  const target = headers.get('location') ?? '(no Location header)';
  return configError(
    `Pinterest answered ${what} with a redirect (HTTP ${status}) to ${snippet(target)}; the connector follows no redirect for a request that carries credentials. Check PINTEREST_API_URL.`,
  );
}

/** An answer quoted in an error: masked before it is cut, since an echo may hold a credential across the cut. */
export function snippet(text: string): string {
  return maskedSnippet(text, 200);
}

export function networkProblem(err: unknown, host?: string): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return /deadline/.test(e.message ?? '') ? e.message! : 'timed out';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `network error${host ? ` reaching ${host}` : ''}: ${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}

/** The name did not resolve: a problem of this machine's network or of PINTEREST_API_URL, not of Pinterest. */
export function isDnsFailure(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } })?.cause?.code;
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}
