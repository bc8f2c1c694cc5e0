/**
 * Pinterest's consent URL for a person's sign-in, and where the redirect server listens. Pure functions:
 * the command wires them to the process.
 */
import { randomBytes } from 'node:crypto';
import { SCOPES } from '../config/spec';

export const DEFAULT_OAUTH_URL = 'https://www.pinterest.com/oauth/';
export const DEFAULT_PORT = 8085;

/** The connector's read scopes plus catalogs:read (the catalog streams), each asked for once. */
export const AUTHORIZE_SCOPES: readonly string[] = [...new Set([...SCOPES, 'catalogs:read'])];

/** 128 random bits: unguessable, so a redirect that does not carry it was not started by this command. */
export const newState = (): string => randomBytes(16).toString('base64url');

export const redirectUriFor = (port: number): string => `http://localhost:${port}/`;

export function consentUrl(
  base: string,
  clientId: string,
  redirectUri: string,
  state: string,
  scopes: readonly string[] = AUTHORIZE_SCOPES,
): string {
  const url = new URL(base);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', scopes.join(','));
  url.searchParams.set('state', state);
  return url.toString();
}

/**
 * Inside a container the published port arrives on the container's own interface, not its loopback, so the
 * server must listen on all interfaces there; on a person's machine loopback only (no one else on the
 * network can send it a code). PINTEREST_AUTHORIZE_HOST overrides both.
 */
export function listenHosts(
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean,
): { hosts: string[]; inContainer: boolean } {
  const inContainer = exists('/.dockerenv') || exists('/run/.containerenv') || Boolean(env.container);
  if (env.PINTEREST_AUTHORIZE_HOST) return { hosts: [env.PINTEREST_AUTHORIZE_HOST], inContainer };
  // Browsers resolve localhost to ::1 or 127.0.0.1: listen on both loopbacks outside a container.
  return { hosts: inContainer ? ['0.0.0.0'] : ['127.0.0.1', '::1'], inContainer };
}
