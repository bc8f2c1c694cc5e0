/**
 * What Pinterest's own error answers mean, where the HTTP status alone misleads: a 401 that is a missing
 * scope (not an expired token), and the token endpoint's answers for a dead refresh token versus wrong app
 * credentials. Real bodies these rules are checked against: test_kit/error-corpus/.
 */
import { configError, type ConnectorError } from '../errors';
import { ApiError } from './errors';

/**
 * 401 codes that mean "this token lacks a scope": 3 ("Your token does not have sufficient permissions…")
 * and 29 (the catalog endpoints' documented answer without catalogs:read). A refresh grants no new scope.
 */
const SCOPE_REFUSAL_CODES_401 = new Set([3, 29]);

/** The token endpoint's code for a refresh token that is invalid, expired or revoked. */
const DEAD_GRANT_CODE = 283;

/** Codes of an answer about a board or Pin (7: not yours to read; 50: not found), never about the token. */
const PIN_REFUSAL_CODES = new Set([7, 50]);

/** A refusal of the Pin or board asked for (GET /pins/analytics declares it as a 401 with code 7): refreshing the token does not help. */
export function isPinRefusal(status: number, apiCode: number | undefined): boolean {
  return (
    (status === 401 || status === 403 || status === 404) && apiCode !== undefined && PIN_REFUSAL_CODES.has(apiCode)
  );
}

export function isScopeRefusal(status: number, apiCode: number | undefined): boolean {
  return status === 401 && apiCode !== undefined && SCOPE_REFUSAL_CODES_401.has(apiCode);
}

/** A request the token's scopes do not cover: the stream that made it fails alone; the token stays as it is. */
export class ScopeRefusedError extends ApiError {
  constructor(status: number, apiCode: number | undefined, apiMessage: string, request: string) {
    super(
      status,
      apiCode,
      apiMessage,
      request,
      'config_error',
      `Pinterest refused ${request} (HTTP ${status}${apiCode !== undefined ? `, code ${apiCode}` : ''}: ${apiMessage}): the token lacks a scope this request needs. This is not an expired token; re-authenticate granting the scope, or deselect the stream.`,
    );
    this.name = 'ScopeRefusedError';
  }
}

/** The scope refusal in a stream's words: the scopes the stream declares, when it declares any. */
export function scopeRefusalFor(stream: string, scopes: readonly string[] | undefined, err: ApiError): ConnectorError {
  const named = scopes?.length ? `the OAuth scope ${scopes.join(', ')}` : 'an OAuth scope';
  return configError(
    `${stream} needs ${named}, which the token lacks (HTTP ${err.status}${err.apiCode !== undefined ? `, code ${err.apiCode}` : ''}: ${err.apiMessage}). Re-authenticate granting it (run authorize again), or deselect the stream.`,
  );
}

/** A dead refresh token: 401 code 283, or an answer whose words say the grant or refresh token is invalid. */
function isDeadRefreshToken(err: ApiError): boolean {
  if (err.apiCode === DEAD_GRANT_CODE) return true;
  if (/invalid_client|client/i.test(err.apiMessage)) return false;
  return /grant|refresh.?token/i.test(err.apiMessage) || err.status !== 401;
}

/** The config_error for a token endpoint refusal: a dead refresh token, or wrong client_id / client_secret. */
export function tokenRefusal(err: ApiError): ConnectorError {
  const said = `HTTP ${err.status}${err.apiCode !== undefined ? `, code ${err.apiCode}` : ''}: ${err.apiMessage}`;
  if (isDeadRefreshToken(err)) {
    return configError(
      `Pinterest refused to refresh the access token (${said}): the refresh token is invalid, expired or revoked: run authorize again (re-authenticate the source) to get a new one.`,
    );
  }
  return configError(
    `Pinterest rejected the app credentials while refreshing the access token (${said}). Check client_id and client_secret.`,
  );
}
