/** The resumable streamed download on its own: attempts fed by hand, elements counted as they are emitted. */
import { GivenPrefix, ResumableArrayDownload } from '../src/http/resumable-download';

const LIMITS = { maxElementBytes: 1024, maxResponseBytes: 1 << 20 };
const idle = { pause: () => undefined, resume: () => undefined };
/** A 200 answer whose body arrives in these chunks, then ends (or breaks, when `broken`). */
function answer(chunks: string[], broken = false): Response {
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(new TextEncoder().encode(chunks[next++]));
      else if (broken) controller.error(new TypeError('terminated'));
      else controller.close();
    },
  });
  return new Response(stream, { status: 200 });
}

function download() {
  const emitted: string[] = [];
  const d = new ResumableArrayDownload(undefined, LIMITS, async (elements) => {
    emitted.push(...elements);
  });
  return { d, emitted };
}

test('a broken download is resumed after the elements already given: nothing twice, nothing skipped', async () => {
  const { d, emitted } = download();
  await expect(d.consume(answer(['[{"a":1},', '{"a":2},'], true), 'GET /x', idle)).resolves.toMatchObject({
    kind: 'retry',
  });
  expect(emitted).toEqual(['{"a":1}', '{"a":2}']);
  await expect(d.consume(answer(['[{"a":1},{"a":2},', '{"a":3}]']), 'GET /x', idle)).resolves.toEqual({
    kind: 'ok',
    body: undefined,
  });
  expect(emitted).toEqual(['{"a":1}', '{"a":2}', '{"a":3}']);
});

test('a retried answer that starts differently fails instead of mixing two answers', async () => {
  const { d, emitted } = download();
  await d.consume(answer(['[{"a":1},{"a":2},'], true), 'GET /x', idle);
  const outcome = await d.consume(answer(['[{"a":1},{"a":9},{"a":3}]']), 'GET /x', idle);
  expect(outcome).toMatchObject({ kind: 'fail' });
  expect(outcome.kind === 'fail' && outcome.error.message).toMatch(/differently from the interrupted one/);
  expect(emitted).toEqual(['{"a":1}', '{"a":2}']);
});

test('a retried answer with fewer rows fails', async () => {
  const { d } = download();
  await d.consume(answer(['[{"a":1},{"a":2},'], true), 'GET /x', idle);
  const outcome = await d.consume(answer(['[{"a":1}]']), 'GET /x', idle);
  expect(outcome.kind === 'fail' && outcome.error.message).toMatch(/fewer rows than the interrupted one/);
});

test('an element longer than the limit fails the answer (a row that never ends)', async () => {
  const { d } = download();
  const outcome = await d.consume(answer(['[{"a":"', 'x'.repeat(600), 'x'.repeat(600), '"}]']), 'GET /x', idle);
  expect(outcome.kind === 'fail' && outcome.error.message).toMatch(
    /one element is longer than the limit of 1024 bytes/,
  );
});

describe('GivenPrefix: a retried attempt must start with what was given', () => {
  test('first attempt: nothing to skip; everything counts as given', () => {
    const p = new GivenPrefix();
    p.restart();
    expect(p.take(['a', 'b'])).toBe(0);
    expect(p.take(['c'])).toBe(0);
    expect(p.count).toBe(3);
    expect(p.short).toBe(false);
  });
  test('a retry repeating the given items skips them, across chunk boundaries, then gives the rest', () => {
    const p = new GivenPrefix();
    p.take(['a', 'b', 'c']);
    p.restart();
    expect(p.take(['a', 'b'])).toBe(2);
    expect(p.short).toBe(true);
    expect(p.take(['c', 'd'])).toBe(1);
    expect(p.count).toBe(4);
    expect(p.short).toBe(false);
  });
  test('a retry that differs is told, and one that ends early is short', () => {
    const p = new GivenPrefix();
    p.take(['a', 'b']);
    p.restart();
    expect(p.take(['a', 'x'])).toBe('differs');
    p.restart();
    expect(p.take(['a'])).toBe(1);
    expect(p.short).toBe(true);
  });
});
