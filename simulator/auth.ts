// OAuth on the simulated API: the token endpoint (refresh and authorization-code grants), access and
// refresh tokens, bearer checks and the scopes each route requires.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';

import { ApiError, json, MESSAGES, type Answer } from './answers';
import type { ConsentFlow } from './consent';
import type { Credentials, SimulatorOptions } from './types';

export const DEFAULT_SCOPES = ['boards:read', 'boards:read_secret', 'pins:read', 'pins:read_secret', 'user_accounts:read', 'ads:read', 'catalogs:read'];

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
  private refreshToken: string;
  private refreshValid = true;
  private refreshSeq = 0;

  constructor(
    private readonly creds: Credentials,
    private readonly opts: SimulatorOptions,
    private readonly consent: ConsentFlow,
  ) {
    this.refreshToken = creds.refreshToken;
  }

  revokeRefreshToken(): void {
    this.refreshValid = false;
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
    if (missing.length)
      throw new ApiError(
        403,
        3,
        `Your application consumer does not have the required scope(s): ${missing.join(', ')}. Re-authorize the app with these scopes.`,
      );
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
    if (this.opts.accessTokenMaxRequests !== undefined && info.uses > this.opts.accessTokenMaxRequests) throw new ApiError(401, 2, MESSAGES.authFailed);
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
    if (!ok) return json(401, { code: 2, message: MESSAGES.authFailed });
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.toLowerCase().includes('application/x-www-form-urlencoded'))
      return json(400, { code: 1, message: 'Invalid request: the body must be application/x-www-form-urlencoded' });
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    if (!grant) return json(400, { code: 1, message: 'Missing request body parameter: grant_type' });
    if (grant === 'authorization_code') {
      // A new sign-in replaces the app's refresh token (the simulator keeps one valid refresh token).
      return this.consent.exchange(form, (scopes) => ({ ...this.issueAccessToken(scopes), ...this.newRefreshToken() }));
    }
    if (grant !== 'refresh_token') return json(400, { code: 1, message: `Unsupported grant_type: ${grant}` });
    const rt = form.get('refresh_token');
    if (!rt) return json(400, { code: 1, message: 'Missing request body parameter: refresh_token' });
    if (!this.refreshValid || rt !== this.refreshToken) return json(400, { code: 1, message: MESSAGES.invalidRefreshToken });
    if (this.opts.legacyApp && form.get('continuous_refresh') !== 'true') {
      return json(400, { code: 1, message: 'Legacy refresh tokens are no longer supported; apps created before September 25, 2025 must set continuous_refresh=true.' });
    }
    let scopes = this.scopes();
    const asked = form.get('scope');
    if (asked) {
      const want = asked.split(/[,\s]+/).filter(Boolean);
      const unknown = want.filter((s) => !scopes.includes(s));
      if (unknown.length) return json(400, { code: 1, message: `Invalid scope: ${unknown.join(', ')}` });
      scopes = want;
    }
    const out: Record<string, unknown> = { ...this.issueAccessToken(scopes), response_type: 'refresh_token' };
    if (this.opts.rotateRefreshToken) Object.assign(out, this.newRefreshToken());
    return json(200, out, { 'cache-control': 'no-store' });
  }

  private issueAccessToken(scopes: string[]): Record<string, unknown> {
    const ttl = this.opts.accessTokenTtlSeconds ?? 3600;
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

  /** A new refresh token becomes the valid one; the old one is refused from now on. */
  private newRefreshToken(): { refresh_token: string } {
    this.refreshSeq++;
    this.refreshToken = `pinr_${randomBytes(18).toString('base64url')}_${this.refreshSeq}`;
    this.refreshValid = true;
    return { refresh_token: this.refreshToken };
  }
}
