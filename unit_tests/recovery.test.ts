/** The recovery policy of one failed analytics request (src/engine/recovery.ts), row by row. */
import { ConnectorError } from '../src/errors';
import { ApiError, ResponseTooLargeError, RetriesExhaustedError } from '../src/http/errors';
import { recover, type RecoveryAction, type UnitOfWork } from '../src/engine/recovery';

const WEEK = { start: '2026-06-01', end: '2026-06-07' };
const ONE_DAY = { start: '2026-06-01', end: '2026-06-01' };
const HALVES = [
  { start: '2026-06-01', end: '2026-06-04' },
  { start: '2026-06-05', end: '2026-06-07' },
];

const api = (status: number, message = 'refused') =>
  new ApiError(status, undefined, message, 'GET /x', status === 400 ? 'config_error' : 'transient_error');
const HISTORY = api(400, 'You can only get data from the last 90 days.');
const RETRIES = new RetriesExhaustedError('GET /x', 5, 'HTTP 503');
const TOO_LARGE = new ResponseTooLargeError('GET /x', 90_000_000, 64_000_000);
const TYPES = ['GENDER', 'AGE_BUCKET', 'AGE_BUCKET_AND_GENDER', 'LOCATION'];

const unit = (over: Partial<UnitOfWork> = {}): UnitOfWork => ({
  window: WEEK,
  emitted: 0,
  midnightPassed: false,
  ...over,
});

const rows: Array<[string, unknown, UnitOfWork, RecoveryAction]> = [
  [
    'rows already out: any error fails (reading again would emit them twice)',
    RETRIES,
    unit({ emitted: 3 }),
    { kind: 'fail' },
  ],
  [
    'rows already out, even a refusal of a skippable partition',
    api(404),
    unit({ emitted: 1, skipPartitionOn: [404] }),
    { kind: 'fail' },
  ],
  ['history refusal after UTC midnight: re-clamp', HISTORY, unit({ midnightPassed: true }), { kind: 'reclamp' }],
  ['history refusal the clock does not explain: fail', HISTORY, unit(), { kind: 'fail' }],
  ['history refusal of a targeting request is not about its types', HISTORY, unit({ types: TYPES }), { kind: 'fail' }],
  [
    'a status the stream skips partitions on: skip',
    api(403, 'not your pin'),
    unit({ skipPartitionOn: [403, 404] }),
    { kind: 'skip-partition', status: 403, reason: 'not your pin' },
  ],
  ['a status the stream does not skip on: fail', api(403), unit({ skipPartitionOn: [404] }), { kind: 'fail' }],
  [
    '400 naming targeting types: drop them, read the rest',
    api(400, 'Targeting type AGE_BUCKET_AND_GENDER is not available for this account'),
    unit({ types: TYPES }),
    {
      kind: 'drop-refused-types',
      refused: ['AGE_BUCKET_AND_GENDER'],
      retry: [['GENDER', 'AGE_BUCKET', 'LOCATION']],
      reason: 'HTTP 400: Targeting type AGE_BUCKET_AND_GENDER is not available for this account',
    },
  ],
  [
    '400 naming no type: halve the group',
    api(400, 'beta feature'),
    unit({ types: TYPES }),
    {
      kind: 'drop-refused-types',
      refused: [],
      retry: [
        ['GENDER', 'AGE_BUCKET'],
        ['AGE_BUCKET_AND_GENDER', 'LOCATION'],
      ],
      reason: 'HTTP 400: beta feature',
    },
  ],
  [
    '400 naming no type, one type left: it is the refused one',
    api(400, 'beta feature'),
    unit({ types: ['LOCATION'] }),
    { kind: 'drop-refused-types', refused: ['LOCATION'], retry: [], reason: 'HTTP 400: beta feature' },
  ],
  ['400 without targeting types: fail', api(400), unit(), { kind: 'fail' }],
  [
    'report path: a report refused for a beta type (≤ 5 types a report): drop it, read the rest',
    api(400, 'Invalid parameter targeting_types: CREATIVE_ENHANCEMENTS is not available for this ad account (beta).'),
    unit({
      window: { start: '2025-12-01', end: '2026-06-04' },
      types: ['GENDER', 'CREATIVE_ENHANCEMENTS', 'LOCATION'],
    }),
    {
      kind: 'drop-refused-types',
      refused: ['CREATIVE_ENHANCEMENTS'],
      retry: [['GENDER', 'LOCATION']],
      reason:
        'HTTP 400: Invalid parameter targeting_types: CREATIVE_ENHANCEMENTS is not available for this ad account (beta).',
    },
  ],
  [
    'report path: columns a targeting level cannot carry are not a type refusal: fail',
    api(400, 'Columns TOTAL_IMPRESSION_USER, TOTAL_IMPRESSION_FREQUENCY are not available.'),
    unit({ types: TYPES }),
    { kind: 'fail' },
  ],
  [
    'report path: a column the account refuses, named: leave it out, read the report again',
    api(400, 'Column TOTAL_WEB_SESSIONS is not available for this ad account.'),
    unit({ types: TYPES, columns: ['SPEND_IN_DOLLAR', 'TOTAL_WEB_SESSIONS'] }),
    {
      kind: 'drop-refused-columns',
      refused: ['TOTAL_WEB_SESSIONS'],
      reason: 'HTTP 400: Column TOTAL_WEB_SESSIONS is not available for this ad account.',
    },
  ],
  [
    'report path: every column refused: nothing left to read, fail',
    api(400, 'Column TOTAL_WEB_SESSIONS is not available for this ad account.'),
    unit({ columns: ['TOTAL_WEB_SESSIONS'] }),
    { kind: 'fail' },
  ],
  ['retries exhausted: halve the window', RETRIES, unit(), { kind: 'halve-window', halves: HALVES as never }],
  ['answer too large: halve the window', TOO_LARGE, unit(), { kind: 'halve-window', halves: HALVES as never }],
  ['retries exhausted on one day: nothing to halve, fail', RETRIES, unit({ window: ONE_DAY }), { kind: 'fail' }],
  ['any other error: fail', new ConnectorError('broken', 'transient_error'), unit(), { kind: 'fail' }],
  ['a 500 that is an answer: fail', api(500), unit(), { kind: 'fail' }],
];

test.each(rows)('%s', (_what, err, work, action) => {
  expect(recover(err, work)).toEqual(action);
});
