/**
 * Access tokens: a fixed one (access-token mode) or one obtained with the OAuth refresh grant, cached
 * until shortly before `expires_in`, refreshed once when Pinterest rejects it. A rotated refresh token is
 * handed to `onRotated` (the engine turns it into a CONTROL message and, if asked, writes the config file).
 */
import { configError, ConnectorError } from '../errors';
import { MIN_CREDENTIAL_LENGTH } from '../util/secrets';
import { ApiError } from './errors';
import { tokenRefusal } from './pinterest-errors';
import type { Requester, TokenSource } from './requester';

/** The shortest time a refreshed token is used before it is refreshed ahead of time. */
const MIN_TOKEN_LIFETIME_S = 1;

interface TokenResponse {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  scope?: unknown;
  refresh_token_expires_in?: unknown;
  refresh_token_expires_at?: unknown;
}

interface OAuthHooks {
  /** Every credential this source sends or receives, for masking in logs (the Basic value, each access token). */
  addSecret?: (secret: string) => void;
  log?: (level: 'INFO' | 'WARN', message: string) => void;
}

/** A refresh token closer than this to its end is worth a warning: the user must re-authenticate in time. */
const REFRESH_TOKEN_WARN_DAYS = 14;

export class StaticToken implements TokenSource {
  constructor(private readonly accessToken: string) {}
  async token(): Promise<string> {
    return this.accessToken;
  }
  async invalidate(): Promise<boolean> {
    return false;
  }
}

export class OAuthTokens implements TokenSource {
  /** `renewed`: got because Pinterest rejected the one before; `accepted`: Pinterest took it at least once. */
  private current?: { token: string; expiresAt: number; renewed?: boolean; accepted?: boolean };
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
    private readonly hooks: OAuthHooks = {},
  ) {
    this.refreshToken = refreshToken;
    hooks.addSecret?.(this.basic());
  }

  private loggedExpiryDay?: string;

  /** Logs the refresh token's end once per day it moves to; a warning when it is under 14 days away. */
  private noteRefreshTokenExpiry(body: TokenResponse): void {
    const end = refreshTokenExpiry(body, this.now());
    if (end === undefined) return;
    const day = new Date(end).toISOString().slice(0, 10);
    if (day === this.loggedExpiryDay) return;
    this.loggedExpiryDay = day;
    const days = Math.floor((end - this.now()) / 86_400_000);
    if (days < REFRESH_TOKEN_WARN_DAYS) {
      this.hooks.log?.(
        'WARN',
        `The refresh token expires on ${day} (in ${days} day(s)): re-authenticate the source before then, or syncs will fail with a config error.`,
      );
    } else {
      this.hooks.log?.('INFO', `The refresh token is valid until ${day} (${days} days); each refresh renews it.`);
    }
  }

  private basic(): string {
    return Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64');
  }

  async token(): Promise<string> {
    if (this.current && this.now() < this.current.expiresAt) return this.current.token;
    return this.refresh();
  }

  accepted(token: string): void {
    if (this.current?.token === token) this.current.accepted = true;
  }

  async invalidate(rejected: string): Promise<boolean> {
    // Another caller already replaced the rejected token: retry with the new one instead of refreshing again
    // (each refresh may rotate the refresh token and revoke the access token other requests are using).
    if (this.current && this.current.token !== rejected) return true;
    // A token got to replace a rejected one, itself refused before Pinterest ever took it: refreshing
    // again would only loop (the credentials are bad).
    if (this.current && this.current.renewed && !this.current.accepted) return false;
    this.current = undefined;
    await this.refresh();
    const fresh = this.current as { renewed?: boolean } | undefined;
    if (fresh) fresh.renewed = true;
    return true;
  }

  /** One refresh at a time: concurrent callers share it. */
  refresh(): Promise<string> {
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = undefined;
    });
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
        // Apps created before 2025-09-25 get the continuous (60-day, renewed) refresh token only when asking.
        form: { grant_type: 'refresh_token', refresh_token: this.refreshToken, continuous_refresh: 'true' },
      });
    } catch (err) {
      if (err instanceof ApiError) {
        // No token endpoint at all: the API URL is wrong (often /v5 left out), not the token.
        if (err.status === 404) {
          throw configError(
            `There is no token endpoint at ${this.requester.baseUrl}/oauth/token (HTTP 404): the API URL is wrong. PINTEREST_API_URL must be Pinterest's API base with its version, like https://api.pinterest.com/v5.`,
          );
        }
        throw tokenRefusal(err);
      }
      throw err;
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('Pinterest answered the token refresh without an access_token.', 'transient_error');
    }
    // A token this short could not be masked without rewriting ordinary text: no real Pinterest token is.
    if (body.access_token.length < MIN_CREDENTIAL_LENGTH) {
      throw new ConnectorError(
        `Pinterest answered the token refresh with an access_token of ${body.access_token.length} characters (under ${MIN_CREDENTIAL_LENGTH}): not a Pinterest token. Check PINTEREST_API_URL.`,
        'system_error',
      );
    }
    if (
      typeof body.refresh_token === 'string' &&
      body.refresh_token !== '' &&
      body.refresh_token.length < MIN_CREDENTIAL_LENGTH
    ) {
      throw new ConnectorError(
        `Pinterest answered the token refresh with a refresh_token of ${body.refresh_token.length} characters (under ${MIN_CREDENTIAL_LENGTH}): not a Pinterest token, so it was not kept. Check PINTEREST_API_URL.`,
        'system_error',
      );
    }
    this.hooks.addSecret?.(body.access_token);
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    // Refresh a minute early (or at half-life for short tokens) so a request never leaves with a dying token;
    // but keep a token at least a second: `expires_in: 0.002` must not refresh before every request.
    const margin = Math.min(60, expiresIn / 2);
    this.current = {
      token: body.access_token,
      expiresAt: this.now() + Math.max(MIN_TOKEN_LIFETIME_S, expiresIn - margin) * 1000,
    };
    if (typeof body.scope === 'string') this.grantedScopes = body.scope.split(/[ ,]+/).filter(Boolean);
    this.noteRefreshTokenExpiry(body);
    if (
      typeof body.refresh_token === 'string' &&
      body.refresh_token !== '' &&
      body.refresh_token !== this.refreshToken
    ) {
      this.refreshToken = body.refresh_token;
      await this.onRotated(body.refresh_token);
    }
    return body.access_token;
  }
}

/** The refresh token's end, when Pinterest says it (`_at` epoch seconds, else `_in` seconds from now). */
function refreshTokenExpiry(
  body: { refresh_token_expires_at?: unknown; refresh_token_expires_in?: unknown },
  now: number,
): number | undefined {
  const at = Number(body.refresh_token_expires_at);
  if (typeof body.refresh_token_expires_at === 'number' && Number.isFinite(at) && at > 0) return at * 1000;
  const inSeconds = Number(body.refresh_token_expires_in);
  if (typeof body.refresh_token_expires_in === 'number' && Number.isFinite(inSeconds) && inSeconds > 0)
    return now + inSeconds * 1000;
  return undefined;
}

/** The credentials of the config, as the token sources need them (the config's schema is not imported here). */
type TokenCredentials =
  | { auth_method: 'access_token'; access_token: string }
  | { auth_method: 'oauth2.0'; client_id: string; client_secret: string; refresh_token: string };

export function tokenSourceFor(
  credentials: TokenCredentials,
  requester: Requester,
  onRotated: (refreshToken: string) => void | Promise<void>,
  hooks?: OAuthHooks,
): TokenSource {
  if (credentials.auth_method === 'access_token') return new StaticToken(credentials.access_token);
  return new OAuthTokens(
    requester,
    credentials.client_id,
    credentials.client_secret,
    credentials.refresh_token,
    onRotated,
    Date.now,
    hooks,
  );
}
