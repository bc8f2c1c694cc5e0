/**
 * Access tokens: a fixed one (access-token mode) or one obtained with the OAuth refresh grant, cached
 * until shortly before `expires_in`, refreshed once when Pinterest rejects it. A rotated refresh token is
 * handed to `onRotated` (the engine turns it into a CONTROL message and, if asked, writes the config file).
 */
import { configError, ConnectorError } from '../errors';
import type { Credentials } from '../config/schema';
import { ApiError } from './errors';
import type { Requester, TokenSource } from './requester';

/** The shortest time a refreshed token is used before it is refreshed ahead of time. */
const MIN_TOKEN_LIFETIME_S = 1;

interface TokenResponse { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown; scope?: unknown }

export class StaticToken implements TokenSource {
  constructor(private readonly accessToken: string) {}
  async token(): Promise<string> { return this.accessToken; }
  async invalidate(): Promise<boolean> { return false; }
}

export class OAuthTokens implements TokenSource {
  private current?: { token: string; expiresAt: number };
  private inflight?: Promise<string>;
  private refreshToken: string;
  /** Scopes the last token was granted, when Pinterest says. */
  grantedScopes?: string[];

  constructor(
    private readonly requester: Requester,
    private readonly clientId: string,
    private readonly clientSecret: string,
    refreshToken: string,
    private readonly onRotated: (refreshToken: string) => void | Promise<void>,
    private readonly now: () => number = Date.now,
    /** Every credential this source sends or receives, for masking in logs (the Basic value, each access token). */
    private readonly addSecret: (secret: string) => void = () => undefined,
  ) {
    this.refreshToken = refreshToken;
    addSecret(this.basic());
  }

  private basic(): string {
    return Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
  }

  async token(): Promise<string> {
    if (this.current && this.now() < this.current.expiresAt) return this.current.token;
    return this.refresh();
  }

  async invalidate(rejected: string): Promise<boolean> {
    // Another caller already replaced the rejected token: retry with the new one instead of refreshing again
    // (each refresh may rotate the refresh token and revoke the access token other requests are using).
    if (this.current && this.current.token !== rejected) return true;
    this.current = undefined;
    await this.refresh();
    return true;
  }

  /** One refresh at a time: concurrent callers share it. */
  refresh(): Promise<string> {
    this.inflight ??= this.doRefresh().finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  private async doRefresh(): Promise<string> {
    const basic = this.basic();
    let body: TokenResponse;
    try {
      body = await this.requester.json<TokenResponse>({
        method: 'POST',
        path: '/oauth/token',
        category: 'org_read',
        auth: false,
        headers: { authorization: `Basic ${basic}` },
        form: { grant_type: 'refresh_token', refresh_token: this.refreshToken },
      });
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status === 401 || /client/i.test(err.apiMessage)) {
          throw configError(`Pinterest rejected the app credentials while refreshing the access token (HTTP ${err.status}: ${err.apiMessage}). Check client_id and client_secret.`);
        }
        throw configError(`Pinterest refused to refresh the access token (HTTP ${err.status}: ${err.apiMessage}). The refresh token is invalid, expired or revoked: re-authenticate the source to get a new one.`);
      }
      throw err;
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('Pinterest answered the token refresh without an access_token.', 'transient_error');
    }
    this.addSecret(body.access_token);
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    // Refresh a minute early (or at half-life for short tokens) so a request never leaves with a dying token;
    // but keep a token at least a second: `expires_in: 0.002` must not refresh before every request.
    const margin = Math.min(60, expiresIn / 2);
    this.current = { token: body.access_token, expiresAt: this.now() + Math.max(MIN_TOKEN_LIFETIME_S, expiresIn - margin) * 1000 };
    if (typeof body.scope === 'string') this.grantedScopes = body.scope.split(/[ ,]+/).filter(Boolean);
    if (typeof body.refresh_token === 'string' && body.refresh_token !== '' && body.refresh_token !== this.refreshToken) {
      this.refreshToken = body.refresh_token;
      await this.onRotated(body.refresh_token);
    }
    return body.access_token;
  }
}

export function tokenSourceFor(
  credentials: Credentials,
  requester: Requester,
  onRotated: (refreshToken: string) => void | Promise<void>,
  addSecret?: (secret: string) => void,
): TokenSource {
  if (credentials.auth_method === 'access_token') return new StaticToken(credentials.access_token);
  return new OAuthTokens(requester, credentials.client_id, credentials.client_secret, credentials.refresh_token, onRotated, Date.now, addSecret);
}
