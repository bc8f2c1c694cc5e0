/**
 * Exchanges the authorization code for tokens at `${PINTEREST_API_URL}/oauth/token` (Basic auth,
 * grant_type=authorization_code, the redirect_uri the code was issued for, continuous_refresh=true so apps
 * created before 2025-09-25 get a refresh token that renews on every refresh).
 */
import { configError, ConnectorError } from '../errors';
import { readBounded } from '../http/bounded-fetch';
import { MIN_CREDENTIAL_LENGTH, SecretMask } from '../util/secrets';

/** The token answer is a few hundred bytes; a larger one is not Pinterest's and is not read further. */
const MAX_TOKEN_ANSWER_BYTES = 64 * 1024;

/** Longest part of the token endpoint's own text quoted in an error. */
const TOKEN_ERROR_SNIPPET = 300;

interface ExchangedTokens {
  refreshToken: string;
  grantedScopes?: string[];
}

interface ExchangeRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
  timeoutMs?: number;
  /** The caller's secrets (the app secret, the code): the exchange adds the tokens it receives. */
  secrets?: SecretMask;
}

export async function exchangeCode(req: ExchangeRequest): Promise<ExchangedTokens> {
  const basic = Buffer.from(`${req.clientId}:${req.clientSecret}`).toString('base64');
  const secrets = req.secrets ?? new SecretMask();
  for (const s of [req.clientSecret, basic, req.code]) secrets.add(s);
  const host = new URL(req.tokenUrl).host;
  let res: Response;
  try {
    res = await fetch(req.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: req.code,
        redirect_uri: req.redirectUri,
        continuous_refresh: 'true',
      }).toString(),
      signal: AbortSignal.timeout(req.timeoutMs ?? 60_000),
      // The request carries the app secret and the code: it is never re-sent to the host a redirect names.
      redirect: 'manual',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ConnectorError(
      `Could not reach ${host} to exchange the sign-in code (${cause}): nothing was written. Check the network and run authorize again.`,
      'transient_error',
    );
  }
  if (res.status >= 300 && res.status < 400) {
    void res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    throw configError(
      `The token endpoint ${host} answered with a redirect (HTTP ${res.status}) to ${location ? secrets.cut(location, TOKEN_ERROR_SNIPPET) : 'an unnamed location'}; it was not followed, since the request carries the app secret: nothing was written. Check PINTEREST_API_URL.`,
    );
  }
  const text = await readCapped(res, host);
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: described by status below
  }
  // Pinterest's message never holds our secrets, but a proxy's page might echo the request: keep it out.
  const said =
    typeof body.message === 'string'
      ? secrets.cut(body.message, TOKEN_ERROR_SNIPPET)
      : `a ${secrets.cut(res.headers.get('content-type') ?? 'non-JSON', 100)} answer`;
  if (res.status === 401) {
    throw configError(
      `Pinterest rejected the app credentials (HTTP 401: ${said}): check --client-id and --client-secret (the app's "App id" and "App secret key").`,
    );
  }
  if (!res.ok) {
    throw configError(
      `Pinterest refused to exchange the sign-in code (HTTP ${res.status}: ${said}): nothing was written. The code may have expired or been used already, or the redirect URI is not the one the app registered; run authorize again.`,
    );
  }
  if (typeof body.refresh_token !== 'string' || body.refresh_token === '') {
    throw configError(
      'Pinterest exchanged the code but sent no refresh_token: nothing was written. Check that the app may use the authorization-code flow, and run authorize again.',
    );
  }
  secrets.add(body.refresh_token);
  if (typeof body.access_token === 'string') secrets.add(body.access_token);
  // The connector refuses a config with a token this short (masking it would rewrite ordinary text).
  if (body.refresh_token.length < MIN_CREDENTIAL_LENGTH) {
    throw configError(
      `The token endpoint ${host} sent a refresh_token of ${body.refresh_token.length} characters (under ${MIN_CREDENTIAL_LENGTH}): not a Pinterest token, nothing was written. Check PINTEREST_API_URL.`,
    );
  }
  return {
    refreshToken: body.refresh_token,
    grantedScopes: typeof body.scope === 'string' ? body.scope.split(/[,\s]+/).filter(Boolean) : undefined,
  };
}

/** The answer's text, refused past MAX_TOKEN_ANSWER_BYTES (an endless answer must not fill memory). */
async function readCapped(res: Response, host: string): Promise<string> {
  const announced = Number(res.headers.get('content-length') ?? NaN);
  const tooLarge = () =>
    configError(
      `The token endpoint ${host} sent an answer over ${MAX_TOKEN_ANSWER_BYTES / 1024} KiB (HTTP ${res.status}); a token answer is a few hundred bytes: nothing was written. Check PINTEREST_API_URL.`,
    );
  if (Number.isFinite(announced) && announced > MAX_TOKEN_ANSWER_BYTES) {
    void res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const body = await readBounded(res, MAX_TOKEN_ANSWER_BYTES);
  if (body === 'too large') throw tooLarge();
  return body.toString('utf8');
}
