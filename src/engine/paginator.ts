/**
 * Bookmark pagination, shared by every list: page_size=250 and follow `bookmark` until it is null.
 * A bookmark Pinterest has already sent means a loop, which is an error rather than an endless read; so
 * does a long run of empty pages that keep handing out new bookmarks.
 */
import { ConnectorError } from '../errors';
import type { RequestSpec, Requester } from '../http/requester';

export const PAGE_SIZE = 250;
/** Empty pages that still carry a new bookmark, in a row, before the list is taken to be looping. */
export const MAX_EMPTY_PAGES = 100;

export async function* bookmarkPages(requester: Requester, spec: RequestSpec): AsyncGenerator<unknown[]> {
  const seen = new Set<string>();
  let bookmark: string | undefined;
  let pages = 0;
  let emptyInARow = 0;
  for (;;) {
    const body = await requester.json<{ items?: unknown; bookmark?: unknown }>({
      ...spec,
      query: { ...spec.query, page_size: PAGE_SIZE, bookmark },
    });
    pages++;
    const what = requester.describe(spec);
    if (body === null || typeof body !== 'object' || !Array.isArray(body.items)) {
      throw new ConnectorError(`Pinterest answered ${what} (page ${pages}) without an items list; the read stops rather than skip data.`, 'transient_error');
    }
    yield body.items;
    const next = body.bookmark;
    if (next === null || next === undefined || next === '') return;
    if (typeof next !== 'string') {
      throw new ConnectorError(`Pinterest answered ${what} (page ${pages}) with a bookmark that is not a string.`, 'transient_error');
    }
    emptyInARow = body.items.length === 0 ? emptyInARow + 1 : 0;
    if (emptyInARow >= MAX_EMPTY_PAGES) {
      throw new ConnectorError(`Pinterest sent ${emptyInARow} empty pages in a row, each with a new bookmark, for ${what} (page ${pages}); stopping instead of paging forever.`, 'transient_error');
    }
    if (seen.has(next)) {
      throw new ConnectorError(`Pinterest sent the same bookmark twice for ${what} (page ${pages}); stopping instead of looping.`, 'transient_error');
    }
    seen.add(next);
    bookmark = next;
  }
}
