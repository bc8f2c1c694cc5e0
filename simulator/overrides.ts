// Two knobs that change single answers, for tests that need Pinterest's behaviour in one spot:
// routes that refuse the token (an ad account whose role cannot read one list, a removed route), and
// fields Pinterest added to list items that the connector's schemas do not know yet.
import type { Dataset, Json } from './types';
import type { ExtraItemFields, Refusal } from './types';

const DEFAULT_REFUSAL: Record<Refusal['status'], { code: number; message: string }> = {
  403: { code: 29, message: 'You are not permitted to access that resource.' },
  404: { code: 404, message: 'Resource not found.' },
  410: { code: 410, message: 'This endpoint has been removed.' },
};

/** The refusal a request to `path` (without /v5) gets, if any: an exact path or a RegExp over it. */
export function refusalFor(
  refusals: Refusal[] | undefined,
  path: string,
): { status: number; code: number; message: string } | undefined {
  const hit = refusals?.find((r) => (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
  if (!hit) return undefined;
  const fallback = DEFAULT_REFUSAL[hit.status];
  return { status: hit.status, code: hit.code ?? fallback.code, message: hit.message ?? fallback.message };
}

/** Adds the extra fields to every item of the named lists (in place: the server and the ground truth share the items). */
export function addExtraItemFields(ds: Dataset, extra: ExtraItemFields | undefined): void {
  if (!extra) return;
  const add = (items: Json[], fields: Json | undefined) => {
    if (fields) for (const item of items) Object.assign(item, fields);
  };
  const entityItems = (m: Dataset['campaigns']) => [...m.values()].flat().map((e) => e.item);
  add(
    ds.boards.map((b) => b.item),
    extra.boards,
  );
  add(
    ds.pins.map((p) => p.item),
    extra.pins,
  );
  add(ds.followers, extra.followers);
  add(ds.interests, extra.interests);
  add(entityItems(ds.campaigns), extra.campaigns);
  add(entityItems(ds.adGroups), extra.ad_groups);
  add(entityItems(ds.ads), extra.ads);
}
