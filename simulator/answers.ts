// What a handler returns (an Answer: status, body, headers) and Pinterest's error shape and messages.

export const MESSAGES = {
  authFailed: 'Authentication failed.',
  rateLimited:
    'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
  last90Days: 'You can only get data from the last 90 days',
  pinForbidden: 'Not authorized to access board or Pin.',
  pinNotFound: 'Pin not found.',
  adAccountForbidden: 'You are not permitted to access that resource.',
  // Pinterest's words for a dead refresh token (401, code 283) and for a token without a route's scope (401, code 3).
  invalidGrant: 'The authorization grant is invalid',
  missingScope:
    'Your token does not have sufficient permissions to perform this operation. Please ensure your token is authorized with the correct set of scopes.',
  rampedDown: 'The endpoint has been ramped down and is currently not accepting any traffic.',
} as const;

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: number,
    message: string,
  ) {
    super(message);
  }
}

export const bad = (message: string, code = 1) => new ApiError(400, code, message);

export type Body = Buffer | Buffer[];
export const bodyLength = (b: Body) => (Array.isArray(b) ? b.reduce((n, c) => n + c.length, 0) : b.length);

export interface Answer {
  status: number;
  /** one buffer, or the chunks of a large analytics response */
  body: Buffer | Buffer[];
  contentType?: string;
  headers?: Record<string, string>;
}

export function json(status: number, value: unknown, headers?: Record<string, string>): Answer {
  return { status, body: Buffer.from(JSON.stringify(value)), headers };
}

/** Pinterest's error body; real ones carry `"status":"failure"` beside code and message. */
export function failure(status: number, code: number, message: string, headers?: Record<string, string>): Answer {
  return json(status, { code, message, status: 'failure' }, headers);
}

export function errorAnswer(e: ApiError): Answer {
  return failure(e.status, e.code, e.message);
}
