/**
 * Record selectors of the lookup streams, whose answers are not pages of items: audience insights (one
 * object per ad account and audience type) and targeting options (maps of codes to names).
 */
import { ConnectorError } from '../errors';
import type { Partition } from './definition';
import type { Row } from './transforms';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObject) : []);

function malformed(what: string): never {
  throw new ConnectorError(
    `Pinterest answered ${what} in an unexpected shape; the read stops rather than skip data.`,
    'transient_error',
  );
}

/**
 * An AudienceInsightsResponse as rows: one per interest (`categories`), sub-interest (`subcategories`,
 * with its interest as `parent_id`) and demographic value (`ages`, `genders`, `devices`, `metros`,
 * `countries`), each with the snapshot's `size`, `size_is_upper_bound` and `date`. `id` is the interest id,
 * or the demographic value's `key`.
 */
export function audienceInsightRecords(body: unknown, p: Partition, query: Readonly<Obj>): Row[] {
  const type = String(query.audience_insight_type);
  if (!isObject(body)) malformed(`audience insights of ad account ${p.ad_account_id} (${type})`);
  const base = { ad_account_id: p.ad_account_id, audience_insight_type: type };
  const snapshot: Obj = {};
  for (const k of ['size', 'size_is_upper_bound', 'date']) if (body[k] !== undefined) snapshot[k] = body[k];
  const out: Row[] = [];
  for (const c of objects(body.categories)) {
    const { subcategories, ...fields } = c;
    out.push({ ...base, category: 'categories', ...fields, id: String(c.id ?? c.key), ...snapshot });
    for (const s of objects(subcategories))
      out.push({
        ...base,
        category: 'subcategories',
        ...s,
        id: String(s.id ?? s.key),
        parent_id: String(c.id ?? c.key),
        ...snapshot,
      });
  }
  if (isObject(body.demographics))
    for (const [category, values] of Object.entries(body.demographics))
      for (const v of objects(values)) out.push({ ...base, category, id: String(v.key), ...v, ...snapshot });
  return out;
}

/** A TargetingOptionResponse (a list of objects mapping codes to names) as one row per code. */
export function targetingValueRecords(body: unknown, p: Partition): Row[] {
  if (body === null) return [];
  if (!Array.isArray(body)) malformed(`the targeting options of ${p.targeting_type}`);
  const out: Row[] = [];
  for (const m of objects(body))
    for (const [id, name] of Object.entries(m))
      out.push({ targeting_type: p.targeting_type, id, name: typeof name === 'string' ? name : JSON.stringify(name) });
  return out;
}
