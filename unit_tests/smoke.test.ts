import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { API, OAUTH_CONFIG, runConnector, tempFiles } from '../test_kit/in-process';
import { catalogFor } from '../test_kit/catalog';

const server = setupServer(
  http.post(`${API}/oauth/token`, () =>
    HttpResponse.json({ access_token: 'pina.acc-0123456789abc', expires_in: 3600, token_type: 'bearer' }),
  ),
  http.get(`${API}/boards`, ({ request }) => {
    const b = new URL(request.url).searchParams.get('bookmark');
    return b
      ? HttpResponse.json({ items: [{ id: '2', name: 'b2' }], bookmark: null })
      : HttpResponse.json({ items: [{ id: '1', name: 'b1' }], bookmark: 'p2' });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

test('smoke: boards read', async () => {
  const f = tempFiles({ config: OAUTH_CONFIG, catalog: catalogFor([{ name: 'boards' }]) });
  const r = await runConnector(['read', '--config', f.config, '--catalog', f.catalog]);
  expect(r.traces()).toEqual([]);
  expect(r.records('boards')).toEqual([
    { id: '1', name: 'b1' },
    { id: '2', name: 'b2' },
  ]);
  expect(r.statuses('boards')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
  expect(r.states('boards')[0].sourceStats.recordCount).toBe(2);
  expect(r.exitCode).toBe(0);
});
