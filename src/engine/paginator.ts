/**
 * Bookmark pagination, shared by every list: page_size=250 and follow `bookmark` until it is null.
 * A bookmark Pinterest has already sent means a loop, which is an error rather than an endless read; so
 * does a long run of empty pages that keep handing out new bookmarks, the same page twice in a row, or more
 * than `maxPages` pages (a list that never ends).
 */
import { ConnectorError } from '../errors';
import type { RequestSpec, Requester } from '../http/requester';
import { PAGE_SIZE } from '../pinterest/limits';

/** Empty pages that still carry a new bookmark, in a row, before the list is taken to be looping. */
const MAX_EMPTY_PAGES = 100;

export async function* bookmarkPages(requester: Requester, spec: RequestSpec): AsyncGenerator<unknown[]> {
  const seen = new Set<string>();
  let bookmark: string | undefined;
  let pages = 0;
  let emptyInARow = 0;
  let previousPage = '';
  for (;;) {
    const body = await requester.json<{ items?: unknown; bookmark?: unknown }>({
      ...spec,
      query: { ...spec.query, page_size: PAGE_SIZE, bookmark },
    });
    pages++;
    const what = requester.describe(spec);
    if (body === null || typeof body !== 'object' || !Array.isArray(body.items)) {
      throw new ConnectorError(
        `Pinterest answered ${what} (page ${pages}) without an items list; the read stops rather than skip data.`,
        'transient_error',
      );
    }
    // The very same items again under a new bookmark: a loop Pinterest does not admit to (a bookmark it
    // already sent is the other kind of loop, said below).
    const page = body.items.length > 0 ? JSON.stringify(body.items) : '';
    const bookmarkSeen = typeof body.bookmark === 'string' && seen.has(body.bookmark);
    if (page !== '' && page === previousPage && !bookmarkSeen) {
      throw new ConnectorError(
        `Pinterest sent the same ${body.items.length} items twice in a row for ${what} (page ${pages}), each time with a new bookmark; stopping instead of looping.`,
        'transient_error',
      );
    }
    previousPage = page;
    yield body.items;
    const next = body.bookmark;
    if (next === null || next === undefined || next === '') return;
    if (pages >= requester.retry.maxPages) {
      throw new ConnectorError(
        `Pinterest kept sending pages with new bookmarks for ${what}: stopping after ${pages} pages (${requester.retry.maxPages * PAGE_SIZE} items at most per list); the next sync reads the list again.`,
        'transient_error',
      );
    }
    if (typeof next !== 'string') {
      throw new ConnectorError(
        `Pinterest answered ${what} (page ${pages}) with a bookmark that is not a string.`,
        'transient_error',
      );
    }
    if (bookmarkSeen) {
      throw new ConnectorError(
        `Pinterest sent the same bookmark twice for ${what} (page ${pages}); stopping instead of looping.`,
        'transient_error',
      );
    }
    emptyInARow = body.items.length === 0 ? emptyInARow + 1 : 0;
    if (emptyInARow >= MAX_EMPTY_PAGES) {
      throw new ConnectorError(
        `Pinterest sent ${emptyInARow} empty pages in a row, each with a new bookmark, for ${what} (page ${pages}); stopping instead of paging forever.`,
        'transient_error',
      );
    }
    seen.add(next);
    bookmark = next;
  }
}
