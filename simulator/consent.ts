/**
 * Pinterest's consent page (`GET /oauth/`, outside /v5) and the `authorization_code` grant of the token
 * endpoint. The page approves at once, as if the person clicked "Give access", and redirects to
 * `redirect_uri` with a one-time code and the caller's `state`; knobs make it refuse instead.
 *
 * Modes (`consent` option, `setConsent()`, or `POST /__sim/consent {"mode"}`):
 *   allow         302 to redirect_uri?code=…&state=…  (the code is single-use, 10 minutes, bound to redirect_uri)
 *   deny          302 to redirect_uri?error=access_denied&error_description=…&state=…  (the person declined)
 *   wrong_state   as allow, but the state is not the one sent (a stale tab or a forged redirect)
 *   invalid_code  as allow, but with a code the token endpoint does not know (the exchange is refused)
 */
import { randomBytes } from 'node:crypto';

import type { ConsentMode } from './types';

export const CONSENT_MODES: ConsentMode[] = ['allow', 'deny', 'wrong_state', 'invalid_code'];

interface ConsentAnswer {
  status: number;
  body: Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

interface IssuedCode {
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

const CODE_TTL_MS = 10 * 60_000;

const page = (status: number, text: string): ConsentAnswer => ({
  status,
  contentType: 'text/html; charset=utf-8',
  body: Buffer.from(
    `<!doctype html><title>Pinterest</title><p>${text.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
  ),
});

const json = (status: number, value: unknown): ConsentAnswer => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: Buffer.from(JSON.stringify(value)),
});

/** What a code exchange asked for (no secrets), so tests can see the client's request. */
export interface CodeExchange {
  redirectUri: string | null;
  continuousRefresh: string | null;
  accepted: boolean;
}

export class ConsentFlow {
  private codes = new Map<string, IssuedCode>();
  readonly exchanges: CodeExchange[] = [];
  mode: ConsentMode;

  constructor(
    private readonly clientId: string,
    /** the scopes the app may be granted (the simulator's token scopes) */
    private readonly grantable: () => string[],
    mode: ConsentMode = 'allow',
    /** redirect URIs registered in the app; undefined accepts any http(s) URI */
    private readonly registeredRedirectUris?: string[],
  ) {
    this.mode = mode;
  }

  setMode(mode: string): void {
    if (!(CONSENT_MODES as string[]).includes(mode))
      throw new Error(`unknown consent mode ${mode} (one of ${CONSENT_MODES.join(', ')})`);
    this.mode = mode as ConsentMode;
  }

  /** GET /oauth/?client_id&redirect_uri&response_type=code&scope&state */
  consentPage(q: URLSearchParams): ConsentAnswer {
    if (q.get('client_id') !== this.clientId) return page(400, 'Invalid client_id: no Pinterest app has this id.');
    const redirect = q.get('redirect_uri');
    let target: URL;
    try {
      target = new URL(redirect ?? '');
    } catch {
      return page(400, 'Missing or invalid redirect_uri.');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return page(400, 'Invalid redirect_uri: http or https only.');
    if (this.registeredRedirectUris && !this.registeredRedirectUris.includes(redirect!)) {
      return page(400, `The redirect_uri ${redirect} is not registered for this app.`);
    }
    if (q.get('response_type') !== 'code') return page(400, 'Invalid response_type: must be code.');
    const asked = (q.get('scope') ?? '').split(/[,\s]+/).filter(Boolean);
    if (!asked.length) return page(400, 'Missing scope.');
    const state = q.get('state') ?? '';
    const grantable = this.grantable();
    // Pinterest grants what the app may have; a scope it may not have is left out, not refused.
    const scopes = asked.filter((s) => grantable.includes(s));
    if (this.mode === 'deny') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied access.');
    } else {
      let code = 'pinc_' + randomBytes(16).toString('base64url');
      if (this.mode === 'invalid_code') code = 'pinc_unknown_' + randomBytes(8).toString('hex');
      else this.codes.set(code, { redirectUri: redirect!, scopes, expiresAt: Date.now() + CODE_TTL_MS, used: false });
      target.searchParams.set('code', code);
    }
    if (state) target.searchParams.set('state', this.mode === 'wrong_state' ? `${state}-not-yours` : state);
    return {
      status: 302,
      contentType: 'text/plain; charset=utf-8',
      body: Buffer.from(''),
      headers: { location: target.toString() },
    };
  }

  /**
   * POST /oauth/token with grant_type=authorization_code (Basic auth already checked): the code must be
   * known, unused, unexpired and exchanged with the redirect_uri it was issued for. `issue` makes the
   * tokens (the simulator's access-token table and current refresh token).
   */
  exchange(form: URLSearchParams, issue: (scopes: string[]) => Record<string, unknown>): ConsentAnswer {
    const code = form.get('code');
    const redirect = form.get('redirect_uri');
    const record: CodeExchange = {
      redirectUri: redirect,
      continuousRefresh: form.get('continuous_refresh'),
      accepted: false,
    };
    this.exchanges.push(record);
    if (!code) return json(400, { code: 1, message: 'Missing request body parameter: code' });
    if (!redirect) return json(400, { code: 1, message: 'Missing request body parameter: redirect_uri' });
    const issued = this.codes.get(code);
    if (!issued || issued.used || issued.expiresAt <= Date.now() || issued.redirectUri !== redirect) {
      return json(400, {
        code: 1,
        message:
          'Invalid authorization code: it is unknown, expired, already used or was issued for another redirect_uri.',
      });
    }
    issued.used = true;
    record.accepted = true;
    return json(200, { ...issue(issued.scopes), response_type: 'authorization_code' });
  }
}
