// OAuth on the simulated API: the token endpoint (refresh and authorization-code grants), access and
// refresh tokens, bearer checks and the scopes each route requires.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';

import { ApiError, failure, json, MESSAGES, type Answer } from './answers';
import type { ConsentFlow } from './consent';
import type { Credentials, SimulatorOptions } from './types';

/** Pinterest's access tokens live 30 days (`expires_in: 2592000`). */
const ACCESS_TOKEN_TTL_SECONDS = 30 * 86400;

export const DEFAULT_SCOPES = [
  'boards:read',
  'boards:read_secret',
  'pins:read',
  'pins:read_secret',
  'user_accounts:read',
  'ads:read',
  'catalogs:read',
];

/** The scopes the app was granted (and a refresh may narrow). */
export function grantedScopes(opts: SimulatorOptions): string[] {
  return opts.scopes ?? DEFAULT_SCOPES;
}

export interface TokenInfo {
  expiresAt: number;
  scopes: string[];
  /** authenticated requests made with it (accessTokenMaxRequests) */
  uses?: number;
}

export class TokenAuthority {
  private tokens = new Map<string, TokenInfo>();
  private staticExpired = false;
  /** The latest refresh token, and every one still accepted (all of them unless rotation revokes the old). */
  private refreshToken: string;
  private validRefreshTokens = new Set<string>();
  private refreshSeq = 0;

  constructor(
    private readonly creds: Credentials,
    private readonly opts: SimulatorOptions,
    private readonly consent: ConsentFlow,
  ) {
    this.refreshToken = creds.refreshToken;
    this.validRefreshTokens.add(creds.refreshToken);
  }

  revokeRefreshToken(): void {
    this.validRefreshTokens.clear();
  }
  expireAccessTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
    this.staticExpired = true;
  }
  currentRefreshToken(): string {
    return this.refreshToken;
  }

  /** The bearer token's holder, refused when it lacks one of the route's scopes. */
  authorize(req: http.IncomingMessage, required: string[]): TokenInfo {
    const tok = this.authenticate(req);
    const missing = required.filter((s) => !tok.scopes.includes(s));
    // Pinterest answers a missing scope with 401 code 3 (not 403), without naming the scope.
    if (missing.length) throw new ApiError(401, 3, MESSAGES.missingScope);
    return tok;
  }

  private scopes(): string[] {
    return grantedScopes(this.opts);
  }

  private authenticate(req: http.IncomingMessage): TokenInfo {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m) throw new ApiError(401, 2, MESSAGES.authFailed);
    const t = m[1];
    if (this.creds.staticAccessToken && t === this.creds.staticAccessToken) {
      if (this.staticExpired) throw new ApiError(401, 2, MESSAGES.authFailed);
      return { expiresAt: Infinity, scopes: this.scopes() };
    }
    const info = this.tokens.get(t);
    if (!info || info.expiresAt <= Date.now()) throw new ApiError(401, 2, MESSAGES.authFailed);
    info.uses = (info.uses ?? 0) + 1;
    if (this.opts.accessTokenMaxRequests !== undefined && info.uses > this.opts.accessTokenMaxRequests)
      throw new ApiError(401, 2, MESSAGES.authFailed);
    return info;
  }

  token(req: http.IncomingMessage, body: string): Answer {
    const h = req.headers.authorization ?? '';
    const m = /^Basic\s+(\S+)\s*$/i.exec(h);
    let ok = false;
    if (m) {
      const dec = Buffer.from(m[1], 'base64').toString('utf8');
      const i = dec.indexOf(':');
      ok = i > 0 && dec.slice(0, i) === this.creds.clientId && dec.slice(i + 1) === this.creds.clientSecret;
    }
    if (!ok) return failure(401, 2, MESSAGES.authFailed);
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.toLowerCase().includes('application/x-www-form-urlencoded'))
      return failure(400, 1, 'Invalid request: the body must be application/x-www-form-urlencoded');
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    if (!grant) return failure(400, 1, 'Missing request body parameter: grant_type');
    if (grant === 'authorization_code') {
      // A new sign-in replaces the app's refresh token (the simulator keeps one valid refresh token).
      return this.consent.exchange(form, (scopes) => ({ ...this.issueAccessToken(scopes), ...this.newRefreshToken() }));
    }
    if (grant !== 'refresh_token') return failure(400, 1, `Unsupported grant_type: ${grant}`);
    const rt = form.get('refresh_token');
    if (!rt) return failure(400, 1, 'Missing request body parameter: refresh_token');
    if (!this.validRefreshTokens.has(rt)) return failure(401, 283, MESSAGES.invalidGrant);
    if (this.opts.legacyApp && form.get('continuous_refresh') !== 'true') {
      return failure(
        400,
        1,
        'Legacy refresh tokens are no longer supported; apps created before September 25, 2025 must set continuous_refresh=true.',
      );
    }
    let scopes = this.scopes();
    const asked = form.get('scope');
    if (asked) {
      const want = asked.split(/[,\s]+/).filter(Boolean);
      const unknown = want.filter((s) => !scopes.includes(s));
      if (unknown.length) return failure(400, 1, `Invalid scope: ${unknown.join(', ')}`);
      scopes = want;
    }
    // Continuous refresh: every answer carries a new refresh token (the spec requires it).
    const out: Record<string, unknown> = {
      ...this.issueAccessToken(scopes),
      ...this.newRefreshToken(!this.opts.rotateRefreshToken),
      response_type: 'refresh_token',
    };
    return json(200, out, { 'cache-control': 'no-store' });
  }

  private issueAccessToken(scopes: string[]): Record<string, unknown> {
    const ttl = this.opts.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
    const access = 'pina_' + randomBytes(24).toString('base64url');
    this.tokens.set(access, { expiresAt: Date.now() + ttl * 1000, scopes });
    const rtTtl = this.opts.refreshTokenTtlSeconds ?? 60 * 86400;
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: ttl,
      scope: scopes.join(','),
      refresh_token_expires_in: rtTtl,
      refresh_token_expires_at: Math.floor(Date.now() / 1000) + rtTtl,
    };
  }

  /**
   * A new refresh token becomes the current one; the old ones stay accepted only with `keepOld` (whether
   * Pinterest still takes an old one after continuous refresh is unconfirmed, so both are simulated).
   */
  private newRefreshToken(keepOld = false): { refresh_token: string } {
    this.refreshSeq++;
    this.refreshToken = `pinr_${randomBytes(18).toString('base64url')}_${this.refreshSeq}`;
    if (!keepOld) this.validRefreshTokens.clear();
    this.validRefreshTokens.add(this.refreshToken);
    return { refresh_token: this.refreshToken };
  }
}
