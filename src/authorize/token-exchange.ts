/**
 * Exchanges the authorization code for tokens at `${PINTEREST_API_URL}/oauth/token` (Basic auth,
 * grant_type=authorization_code, the redirect_uri the code was issued for, continuous_refresh=true so apps
 * created before 2025-09-25 get a refresh token that renews on every refresh).
 */
import { configError, ConnectorError } from '../errors';

export interface ExchangedTokens { refreshToken: string; grantedScopes?: string[] }

export interface ExchangeRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
  timeoutMs?: number;
}

export async function exchangeCode(req: ExchangeRequest): Promise<ExchangedTokens> {
  const basic = Buffer.from(`${req.clientId}:${req.clientSecret}`).toString('base64');
  const host = new URL(req.tokenUrl).host;
  let res: Response;
  try {
    res = await fetch(req.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: req.code, redirect_uri: req.redirectUri, continuous_refresh: 'true' }).toString(),
      signal: AbortSignal.timeout(req.timeoutMs ?? 60_000),
      // The request carries the app secret and the code: it is never re-sent to the host a redirect names.
      redirect: 'manual',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ConnectorError(`Could not reach ${host} to exchange the sign-in code (${cause}): nothing was written. Check the network and run authorize again.`, 'transient_error');
  }
  if (res.status >= 300 && res.status < 400) {
    void res.body?.cancel().catch(() => undefined);
    throw configError(`The token endpoint ${host} answered with a redirect (HTTP ${res.status}) to ${res.headers.get('location') ?? 'an unnamed location'}; it was not followed, since the request carries the app secret: nothing was written. Check PINTEREST_API_URL.`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: described by status below
  }
  // Pinterest's message never holds our secrets, but a proxy's page might echo the request: keep it out.
  const said = typeof body.message === 'string' ? scrub(body.message, req) : `a ${res.headers.get('content-type') ?? 'non-JSON'} answer`;
  if (res.status === 401) {
    throw configError(`Pinterest rejected the app credentials (HTTP 401: ${said}): check --client-id and --client-secret (the app's "App id" and "App secret key").`);
  }
  if (!res.ok) {
    throw configError(`Pinterest refused to exchange the sign-in code (HTTP ${res.status}: ${said}): nothing was written. The code may have expired or been used already, or the redirect URI is not the one the app registered; run authorize again.`);
  }
  if (typeof body.refresh_token !== 'string' || body.refresh_token === '') {
    throw configError('Pinterest exchanged the code but sent no refresh_token: nothing was written. Check that the app may use the authorization-code flow, and run authorize again.');
  }
  return {
    refreshToken: body.refresh_token,
    grantedScopes: typeof body.scope === 'string' ? body.scope.split(/[,\s]+/).filter(Boolean) : undefined,
  };
}

function scrub(text: string, req: ExchangeRequest): string {
  let out = text.slice(0, 300);
  for (const secret of [req.clientSecret, req.code]) if (secret) out = out.split(secret).join('****');
  return out;
}
