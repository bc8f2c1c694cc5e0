/**
 * A parent list kept in memory for the streams it feeds stops with a clear error at its item limit,
 * whether a consumer fetches it or the list's own stream feeds it (against msw, with a small limit); a list
 * fetched for its consumers is fetched once for all of them.
 */
import { http, HttpResponse } from 'msw';
import { parseConfig } from '../src/config/load';
import { SharedLists } from '../src/engine/shared-lists';
import { StaticToken } from '../src/http/auth';
import { budgetsFromEnv, RateLimiter } from '../src/http/rate-limiter';
import { Requester } from '../src/http/requester';
import { streamRegistry } from '../src/streams/registry';
import { API, OAUTH_CONFIG } from '../test_kit/in-process';
import { useLimiters, useMswServer } from '../test_kit/msw-server';

const server = useMswServer();
const limiters = useLimiters();
const BOARDS = { stream: 'boards' };

function sharedLists(maxItems: number, selected?: ReadonlySet<string>): SharedLists {
  const limiter = new RateLimiter(budgetsFromEnv('off'), 2);
  limiters.push(limiter);
  const requester = new Requester({
    baseUrl: API,
    limiter,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5000 },
  });
  requester.setTokenSource(new StaticToken('pina.secret'));
  return new SharedLists({
    config: parseConfig(OAUTH_CONFIG),
    requester,
    registry: streamRegistry(),
    maxItems,
    selected,
  });
}

/** Two pages of boards: 3 items, then 2. */
function serveBoards(): void {
  server.use(
    http.get(`${API}/boards`, ({ request }) => {
      const bookmark = new URL(request.url).searchParams.get('bookmark');
      return bookmark
        ? HttpResponse.json({ items: [{ id: '4' }, { id: '5' }], bookmark: null })
        : HttpResponse.json({ items: [{ id: '1' }, { id: '2' }, { id: '3' }], bookmark: 'next' });
    }),
  );
}

test('a list within the limit is fetched whole', async () => {
  serveBoards();
  await expect(sharedLists(5).ids(BOARDS, {})).resolves.toEqual(['1', '2', '3', '4', '5']);
});

test('a list above the limit stops the read of it with an error naming the list and the limit', async () => {
  serveBoards();
  await expect(sharedLists(4).ids(BOARDS, {})).rejects.toThrow(/The boards list at \/boards has more than 4 items/);
});

test("the list's own stream feeding it stops at the limit too", () => {
  const feed = sharedLists(2).feed('boards', {});
  feed.add({ id: '1' });
  feed.add({ id: '2' });
  expect(() => feed.add({ id: '3' })).toThrow(/more than 2 items/);
});

test('ids and whole items of one list, its stream not read: one fetch serves both', async () => {
  let requests = 0;
  server.use(
    http.get(`${API}/boards`, () => {
      requests++;
      return HttpResponse.json({
        items: [
          { id: '1', name: 'a' },
          { id: '2', name: 'b' },
        ],
        bookmark: null,
      });
    }),
  );
  const shared = sharedLists(10);
  const [ids, items] = await Promise.all([shared.ids(BOARDS, {}), shared.items(BOARDS, {})]);
  expect(ids).toEqual(['1', '2']);
  expect(items).toEqual([
    { id: '1', name: 'a' },
    { id: '2', name: 'b' },
  ]);
  expect(requests).toBe(1);
});

test("a list another stream also needs is asked with that stream's parameters only when it is read", () => {
  const pins = streamRegistry().get('pins')!;
  if (pins.kind !== 'list') throw new Error('pins is a list');
  expect(sharedLists(10, new Set(['pins'])).queryOf(pins)).toEqual({ query: {}, omit: [] });
  expect(sharedLists(10, new Set(['pins', 'pin_metrics'])).queryOf(pins)).toEqual({
    query: { pin_metrics: true },
    omit: ['pin_metrics'],
  });
});
