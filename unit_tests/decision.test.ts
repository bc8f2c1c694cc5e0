/** The status-to-decision mapping of the HTTP layer, as a table: status, headers and body → what the requester does. */
import { decide } from '../src/http/decision';
import { ApiError } from '../src/http/errors';

const W = 'GET /boards';
const body = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const h = (o: Record<string, string> = {}) => new Headers(o);

type Row = [string, number, Record<string, string>, unknown, Record<string, unknown>];
const TABLE: Row[] = [
  ['200 with JSON', 200, {}, { items: [1] }, { kind: 'ok', body: { items: [1] } }],
  ['200 with a big id', 200, {}, '{"id": 9007199254740993}', { kind: 'ok', body: { id: '9007199254740993' } }],
  [
    '200 with HTML',
    200,
    {},
    '<html>oops</html>',
    { kind: 'retry', problem: 'HTTP 200 with a body that is not JSON (<html>oops</html>)' },
  ],
  ['200 empty', 200, {}, '', { kind: 'retry' }],
  ['204 empty', 204, {}, '', { kind: 'retry' }],
  ['301 redirect', 301, { location: 'https://elsewhere.example/x' }, '', { kind: 'fail' }],
  ['307 redirect without Location', 307, {}, '', { kind: 'fail' }],
  [
    '400 last 90 days',
    400,
    {},
    { code: 1, message: 'You can only get data from the last 90 days.' },
    { kind: 'spurious400' },
  ],
  [
    '400 retry after',
    400,
    {},
    { code: 1, message: 'Please retry after 7 seconds' },
    { kind: 'spurious400', delayMs: 7000 },
  ],
  [
    '400 code 12',
    400,
    {},
    { code: 12, message: 'Something went wrong' },
    { kind: 'retry', problem: 'HTTP 400: Something went wrong' },
  ],
  ['400 other', 400, {}, { code: 1, message: 'Invalid parameters' }, { kind: 'fail' }],
  ['401', 401, {}, { code: 2, message: 'Authentication failed.' }, { kind: 'unauthorized' }],
  [
    '401 code 3: a missing scope, not an expired token',
    401,
    {},
    { code: 3, message: 'Your token does not have sufficient permissions to perform this operation.' },
    { kind: 'fail' },
  ],
  [
    '401 code 29: catalogs without catalogs:read',
    401,
    {},
    { code: 29, message: 'You are not permitted to access that resource.' },
    { kind: 'fail' },
  ],
  ['403', 403, {}, { code: 3, message: 'missing scope' }, { kind: 'fail' }],
  ['404', 404, {}, { code: 50, message: 'Pin not found.' }, { kind: 'fail' }],
  ['408', 408, {}, 'timeout', { kind: 'retry', problem: 'HTTP 408: timeout' }],
  ['429 with Retry-After', 429, { 'retry-after': '3' }, { code: 8 }, { kind: 'rate_limited', waitMs: 3000 }],
  [
    '429 with x-userendpoint reset',
    429,
    { 'x-userendpoint-ratelimit-reset-seconds': '2' },
    { code: 8 },
    { kind: 'rate_limited', waitMs: 2000 },
  ],
  ['429 bare', 429, {}, { code: 8 }, { kind: 'rate_limited' }],
  ['500', 500, {}, { code: 0, message: 'internal' }, { kind: 'retry', problem: 'HTTP 500: internal' }],
  [
    '503 with Retry-After',
    503,
    { 'retry-after': '4' },
    'busy',
    { kind: 'retry', problem: 'HTTP 503: busy', delayMs: 4000 },
  ],
  ['200 nested 100 deep', 200, {}, '['.repeat(100) + ']'.repeat(100), { kind: 'fail' }],
];

test.each(TABLE)('%s', (_name, status, headers, answer, expected) => {
  const decision = decide(status, h(headers), body(answer), W);
  expect(decision).toMatchObject(expected);
});

test("errors carry what the user needs: Pinterest's message and code, the redirect target, the failure type", () => {
  const refused = decide(403, h(), body({ code: 3, message: 'missing scope' }), W);
  expect(refused.kind === 'fail' && refused.error).toBeInstanceOf(ApiError);
  expect(refused.kind === 'fail' && refused.error.message).toBe(
    'Pinterest refused GET /boards (HTTP 403, code 3): missing scope',
  );
  const moved = decide(308, h({ location: 'https://elsewhere.example/x' }), Buffer.alloc(0), W);
  expect(moved.kind === 'fail' && [moved.error.failureType, moved.error.message]).toEqual([
    'config_error',
    expect.stringMatching(/redirect \(HTTP 308\) to https:\/\/elsewhere\.example\/x/),
  ]);
  const deep = decide(200, h(), body('{"a":'.repeat(70) + '1' + '}'.repeat(70)), W);
  expect(deep.kind === 'fail' && [deep.error.failureType, deep.error.message]).toEqual([
    'transient_error',
    expect.stringMatching(/nested deeper than 64 levels/),
  ]);
});
