/**
 * Bookmark pagination against msw: page_size=250 on every request, bookmarks followed until null or empty,
 * and malformed answers (a repeated bookmark, items that are not a list) are errors, never an endless loop.
 */
import { http, HttpResponse } from 'msw';
import { ConnectorError } from '../src/errors';
import { bookmarkPages } from '../src/engine/paginator';
import { PAGE_SIZE } from '../src/pinterest/limits';
import { StaticToken } from '../src/http/auth';
import { budgetsFromEnv, RateLimiter } from '../src/http/rate-limiter';
import { Requester, type RequestSpec } from '../src/http/requester';
import { API } from '../test_kit/in-process';
import { useMswServer } from '../test_kit/msw-server';

const server = useMswServer();

let limiter: RateLimiter;
let requester: Requester;
beforeEach(() => {
  limiter = new RateLimiter(budgetsFromEnv('off'), 4);
  requester = new Requester({ baseUrl: API, limiter, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
  requester.setTokenSource(new StaticToken('pina.t'));
});
afterEach(() => limiter.stop());

/** Serves `pages` keyed by the incoming bookmark ('' for the first request); records every query. */
function serve(path: string, pages: Record<string, unknown>) {
  const queries: Array<Record<string, string>> = [];
  server.use(
    http.get(`${API}${path}`, ({ request }) => {
      const q = Object.fromEntries(new URL(request.url).searchParams);
      queries.push(q);
      const key = q.bookmark ?? '';
      if (!(key in pages)) return HttpResponse.json({ code: 1, message: `unknown bookmark ${key}` }, { status: 400 });
      return HttpResponse.json(pages[key] as Record<string, unknown>);
    }),
  );
  return queries;
}

async function collect(spec: RequestSpec): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const page of bookmarkPages(requester, spec)) out.push(page);
  return out;
}
async function failure(spec: RequestSpec): Promise<{ error: ConnectorError; pages: unknown[][] }> {
  const pages: unknown[][] = [];
  try {
    for await (const page of bookmarkPages(requester, spec)) pages.push(page);
  } catch (error) {
    return { error: error as ConnectorError, pages };
  }
  throw new Error('expected the pagination to fail');
}

const BOARDS: RequestSpec = { path: '/boards', category: 'org_read' };

test('the page size is 250', () => {
  expect(PAGE_SIZE).toBe(250);
});

test('bookmarks are followed until null; page_size=250 on every request; the first request has no bookmark', async () => {
  const queries = serve('/boards', {
    '': { items: [{ id: '1' }, { id: '2' }], bookmark: 'b1' },
    b1: { items: [{ id: '3' }], bookmark: 'b2' },
    b2: { items: [{ id: '4' }], bookmark: null },
  });
  expect(await collect(BOARDS)).toEqual([[{ id: '1' }, { id: '2' }], [{ id: '3' }], [{ id: '4' }]]);
  expect(queries).toEqual([
    { page_size: '250' },
    { page_size: '250', bookmark: 'b1' },
    { page_size: '250', bookmark: 'b2' },
  ]);
});

test.each([
  ['null', null],
  ['an empty string', ''],
  ['absent', undefined],
])('a bookmark that is %s ends the list after one request', async (_name, bookmark) => {
  const queries = serve('/boards', { '': { items: [{ id: '1' }], ...(bookmark === undefined ? {} : { bookmark }) } });
  expect(await collect(BOARDS)).toEqual([[{ id: '1' }]]);
  expect(queries).toHaveLength(1);
});

test('an empty first page with a null bookmark is an empty list (one request)', async () => {
  const queries = serve('/boards', { '': { items: [], bookmark: null } });
  expect(await collect(BOARDS)).toEqual([[]]);
  expect(queries).toHaveLength(1);
});

test('an empty page with a non-null bookmark is followed (Pinterest may filter a whole page away)', async () => {
  const queries = serve('/boards', {
    '': { items: [], bookmark: 'b1' },
    b1: { items: [], bookmark: 'b2' },
    b2: { items: [{ id: '9' }], bookmark: null },
  });
  expect((await collect(BOARDS)).flat()).toEqual([{ id: '9' }]);
  expect(queries).toHaveLength(3);
});

test("the request's own query parameters are kept on every page", async () => {
  const queries = serve('/ad_accounts/42/campaigns', {
    '': { items: [1], bookmark: 'x' },
    x: { items: [2], bookmark: null },
  });
  await collect({
    path: '/ad_accounts/42/campaigns',
    category: 'ads_read',
    query: { entity_statuses: 'ACTIVE,PAUSED', order: 'ASCENDING' },
  });
  for (const q of queries)
    expect(q).toMatchObject({ entity_statuses: 'ACTIVE,PAUSED', order: 'ASCENDING', page_size: '250' });
  expect(queries[1].bookmark).toBe('x');
});

test('a page size in the request spec cannot override 250', async () => {
  const queries = serve('/boards', { '': { items: [], bookmark: null } });
  await collect({ ...BOARDS, query: { page_size: 25 } });
  expect(queries[0].page_size).toBe('250');
});

test('a bookmark Pinterest already sent is an error, not an endless loop', async () => {
  const queries = serve('/boards', {
    '': { items: [1], bookmark: 'a' },
    a: { items: [2], bookmark: 'b' },
    b: { items: [3], bookmark: 'a' },
  });
  const { error, pages } = await failure(BOARDS);
  expect(error).toBeInstanceOf(ConnectorError);
  expect(error.failureType).toBe('transient_error');
  expect(error.message).toMatch(/same bookmark twice/);
  expect(error.message).toContain('GET /boards');
  expect(pages).toEqual([[1], [2], [3]]);
  expect(queries).toHaveLength(3);
});

test('a page that repeats its own bookmark stops at once', async () => {
  const queries = serve('/boards', { '': { items: [1], bookmark: 'same' }, same: { items: [2], bookmark: 'same' } });
  const { error } = await failure(BOARDS);
  expect(error.message).toMatch(/same bookmark twice/);
  expect(queries).toHaveLength(2);
});

test.each([
  ['items missing', { bookmark: null }],
  ['items an object', { items: { id: '1' }, bookmark: null }],
  ['items a string', { items: 'boards', bookmark: null }],
  ['items null', { items: null, bookmark: 'x' }],
  ['a bare list', [{ id: '1' }]],
])('an answer without an items list (%s) is an error', async (_name, body) => {
  serve('/boards', { '': body });
  const { error, pages } = await failure(BOARDS);
  expect(error).toBeInstanceOf(ConnectorError);
  expect(error.message).toMatch(/without an items list/);
  expect(error.message).toContain('page 1');
  expect(pages).toEqual([]);
});

test('items that break off on page 2 fail after yielding page 1', async () => {
  serve('/boards', { '': { items: [1], bookmark: 'p2' }, p2: { bookmark: null } });
  const { error, pages } = await failure(BOARDS);
  expect(error.message).toContain('page 2');
  expect(pages).toEqual([[1]]);
});

test('a bookmark that is not a string is an error', async () => {
  serve('/boards', { '': { items: [1], bookmark: 12345 } });
  const { error, pages } = await failure(BOARDS);
  expect(error.message).toMatch(/bookmark that is not a string/);
  expect(pages).toEqual([[1]]);
});

test('a consumer that stops early sends no further request', async () => {
  const queries = serve('/boards', { '': { items: [1], bookmark: 'b1' }, b1: { items: [2], bookmark: null } });
  for await (const page of bookmarkPages(requester, BOARDS)) {
    expect(page).toEqual([1]);
    break;
  }
  expect(queries).toHaveLength(1);
});

test('a long list (40 pages) is read completely, in order', async () => {
  const pages: Record<string, unknown> = {};
  for (let i = 0; i < 40; i++) pages[i === 0 ? '' : `p${i}`] = { items: [i], bookmark: i === 39 ? null : `p${i + 1}` };
  const queries = serve('/boards', pages);
  expect((await collect(BOARDS)).flat()).toEqual(Array.from({ length: 40 }, (_, i) => i));
  expect(queries).toHaveLength(40);
});
