/**
 * Tests of the Pinterest API simulator itself (simulator): pagination, filters,
 * validation, OAuth, rate limits, faults, determinism, OpenAPI conformance of every 200 response,
 * and consistency of groundTruth() with what the HTTP endpoints serve.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

import {
  AD_ACCOUNT_TARGETING_TYPES,
  AD_GROUP_TARGETING_TYPES,
  AD_TARGETING_TYPES,
  ANALYTICS_COLUMNS,
  CAMPAIGN_TARGETING_TYPES,
  DEFAULT_CREDENTIALS,
  DEFAULT_SCOPES,
  SIZES,
  startSimulator,
  streamForPath,
  streamOfRequest,
  STREAM_NAMES,
  type GroundTruth,
  type Simulator,
  type SimulatorOptions,
  TARGETING_TYPES,
  type Level,
} from '..';
import { ByteWriter } from '../bytes';
import { REPORT_ONLY_STREAMS, REPORT_TARGETING_TYPES, reportAcceptsType } from '../reports';
import { ENDPOINTS, matchRoute, type Endpoint } from '../endpoints';
import { audienceInsightRecords, targetingValueRecords } from '../lookups-data';
import { AUDIENCE_INSIGHT_TYPES, TARGETING_LOOKUP_TYPES, TARGETING_OPTION_TYPES } from '../../src/pinterest/lookups';
import { OPENAPI_FIXTURE } from '../../reference';
import { TODAY } from '../../test_kit/constants';
import { canonical } from '../../test_kit/messages';

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * DAY).toISOString().slice(0, 10);

/**
 * The report-only streams of the last 90 days read as the connector reads them: per ad account one report
 * per window of the level's length and per ≤ 5 targeting types, polled until FINISHED, the file downloaded
 * and its rows made records. Gives the number of reports created.
 */
async function readReportOnlyStreams(
  sim: Simulator,
  token: string,
  accounts: Array<{ id: string; currency: string }>,
  columns: string[],
  got: Record<string, Record<string, unknown>[]>,
): Promise<number> {
  const auth = { authorization: `Bearer ${token}` };
  const ID_KEY: Record<string, string> = {
    KEYWORD: 'keyword_id',
    PRODUCT_GROUP_TARGETING: 'product_group_id',
    PRODUCT_ITEM: 'product_item_id',
  };
  let made = 0;
  for (const s of REPORT_ONLY_STREAMS) {
    const types = REPORT_TARGETING_TYPES.filter((t) => s.level.endsWith('_TARGETING') && reportAcceptsType(s.level, t));
    const groups = types.length ? chunks(types, 5) : [undefined];
    for (const acc of accounts)
      for (let w = -89; w <= 0; w += s.maxDays)
        for (const group of groups) {
          const body = {
            start_date: day(w),
            end_date: day(Math.min(0, w + s.maxDays - 1)),
            granularity: 'DAY',
            level: s.level,
            columns,
            ...(group ? { targeting_types: group } : {}),
          };
          const path = `${sim.url}/ad_accounts/${acc.id}/reports`;
          const created = await request(path, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          expect([created.status, created.json.report_status]).toEqual([200, 'IN_PROGRESS']);
          made++;
          let url: string | undefined;
          for (let i = 0; i < 5 && !url; i++) {
            const polled = await request(`${path}?token=${created.json.token}`, { headers: auth });
            if (polled.json.report_status === 'FINISHED') url = polled.json.url;
          }
          const file = (await request(url!)).json as Record<string, Array<Record<string, unknown>>>;
          for (const [id, rows] of Object.entries(file))
            for (const row of rows) {
              // The id is the file's key: a 19-digit product item id in a row is a JSON number a double rounds.
              const r: Record<string, unknown> = { ad_account_id: acc.id, currency: acc.currency, ...lower(row) };
              r[ID_KEY[s.level]] = id;
              if (r.targeting_value !== undefined) r.targeting_value = String(r.targeting_value);
              got[s.stream].push(r);
            }
        }
  }
  return made;
}

// ---- tiny HTTP client (node:http, no keep-alive) ----------------------------------------------

interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

function request(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
      res.on('close', () => {
        if (!res.complete) return reject(new Error('truncated response'));
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (o.body) req.write(o.body);
    req.end();
  });
}

async function tokenFor(sim: Simulator, refreshToken = sim.credentials.refreshToken): Promise<Resp> {
  const basic = Buffer.from(`${sim.credentials.clientId}:${sim.credentials.clientSecret}`).toString('base64');
  return request(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
}

function qs(params: Record<string, string | number | string[] | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, x));
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

// ---- OpenAPI response validation ------------------------------------------------------------

const OPENAPI = process.env.OPENAPI_PATH || OPENAPI_FIXTURE;

/** The operations the simulator serves (the asynchronous reports aside); each must have at least one validated 200 response. */
const OPERATIONS = ENDPOINTS.filter((e) => e.kind !== 'reports').map((e) => `${e.method} ${e.path}`);

function templateOf(method: string, p: string): string {
  const route = matchRoute(p);
  if (!route) throw new Error(`no endpoint serves ${p}`);
  return `${method} ${route.endpoint.path}`;
}

/** A list row's path for one partition: the template's parameters filled in. */
const fill = (template: string, params: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]));

/** OpenAPI 3.0 → JSON Schema: `nullable: true` allows null; refs made absolute to the bundle. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'nullable' || k === 'discriminator' || k === 'example' || k === 'examples' || k.startsWith('x-'))
      continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = v.startsWith('#/') ? `oas#${v.slice(1)}` : v;
    else out[k] = toJsonSchema(v);
  }
  if (src.nullable === true) return { anyOf: [{ type: 'null' }, out] };
  return out;
}

class OpenApiValidator {
  private ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  private validators = new Map<string, ValidateFunction>();
  private errorValidator: ValidateFunction;
  covered = new Set<string>();
  constructor(file: string) {
    addFormats(this.ajv);
    for (const f of ['double', 'float', 'int32', 'int64', 'binary', 'byte', 'password']) this.ajv.addFormat(f, true);
    const doc = parseYaml(readFileSync(file, 'utf8'));
    this.ajv.addSchema({ $id: 'oas', components: { schemas: toJsonSchema(doc.components.schemas) } });
    for (const op of OPERATIONS) {
      const [method, p] = op.split(' ');
      const operation = doc.paths[p]?.[method.toLowerCase()];
      if (!operation) throw new Error(`OpenAPI has no operation ${op}`);
      const schema = operation.responses['200'].content['application/json'].schema;
      this.validators.set(op, this.ajv.compile(toJsonSchema(schema) as object));
    }
    this.errorValidator = this.ajv.compile({ $ref: 'oas#/components/schemas/Error' });
  }
  check(op: string, body: unknown): void {
    const v = this.validators.get(op);
    if (!v) throw new Error(`no validator for ${op}`);
    if (!v(body))
      throw new Error(
        `${op}: response does not match the OpenAPI schema: ${this.ajv.errorsText(v.errors, { separator: '\n' }).slice(0, 2000)}`,
      );
    this.covered.add(op);
  }
  checkError(body: unknown): void {
    if (!this.errorValidator(body)) throw new Error(`error body does not match Error: ${JSON.stringify(body)}`);
  }
}

let oas: OpenApiValidator | undefined;
function validator(): OpenApiValidator {
  if (!oas) {
    if (!existsSync(OPENAPI))
      throw new Error(`OpenAPI description not found at ${OPENAPI} (run npm run generate:fixtures)`);
    oas = new OpenApiValidator(OPENAPI);
  }
  return oas;
}

// ---- a client that validates what it gets ---------------------------------------------------

class Client {
  token = '';
  constructor(
    public sim: Simulator,
    private validate = true,
  ) {}
  async login(): Promise<void> {
    const r = await tokenFor(this.sim);
    expect(r.status).toBe(200);
    if (this.validate) validator().check('POST /oauth/token', r.json);
    this.token = r.json.access_token;
  }
  async get(p: string, params: Record<string, string | number | string[] | undefined> = {}): Promise<Resp> {
    const r = await request(`${this.sim.url}${p}${qs(params)}`, { headers: { authorization: `Bearer ${this.token}` } });
    if (this.validate) {
      if (r.status === 200) validator().check(templateOf('GET', p), r.json);
      else if (r.json !== undefined) validator().checkError(r.json);
    }
    return r;
  }
  async ok(p: string, params: Record<string, string | number | string[] | undefined> = {}): Promise<any> {
    const r = await this.get(p, params);
    if (r.status !== 200) throw new Error(`GET ${p}${qs(params)} → ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  }
  async all(p: string, params: Record<string, string | number | string[] | undefined> = {}): Promise<any[]> {
    const items: any[] = [];
    let bookmark: string | undefined;
    for (let i = 0; i < 10_000; i++) {
      const page = await this.ok(p, { ...params, page_size: 250, bookmark });
      items.push(...page.items);
      if (!page.bookmark) return items;
      bookmark = page.bookmark;
    }
    throw new Error('pagination does not end');
  }
}

const chunks = <T>(a: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(a.length / n) }, (_, i) => a.slice(i * n, i * n + n));
const lower = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
const canon = (rows: Record<string, unknown>[]) => rows.map(canonical).sort();

function windowsOf(start: string, end: string, size: number): [string, string][] {
  const out: [string, string][] = [];
  let s = Date.parse(`${start}T00:00:00Z`);
  const e = Date.parse(`${end}T00:00:00Z`);
  while (s <= e) {
    const we = Math.min(e, s + (size - 1) * DAY);
    out.push([new Date(s).toISOString().slice(0, 10), new Date(we).toISOString().slice(0, 10)]);
    s = we + DAY;
  }
  return out;
}

// =============================================================================================

describe('Pinterest API simulator', () => {
  let sim: Simulator;
  let c: Client;
  let acc0: string;

  beforeAll(async () => {
    validator();
    sim = await startSimulator({ today: TODAY, seed: 7 });
    c = new Client(sim);
    await c.login();
    acc0 = sim.data.adAccounts[0].id;
  });
  afterAll(async () => {
    await sim?.close();
  });

  describe('entities and pagination', () => {
    test('the default dataset exercises pagination and id batching', () => {
      const three = new Set(['ACTIVE', 'PAUSED', 'ARCHIVED']);
      for (const m of [sim.data.campaigns, sim.data.adGroups, sim.data.ads]) {
        expect(m.get(acc0)!.filter((e) => three.has(e.status)).length).toBeGreaterThan(250);
      }
      const statuses = new Set(sim.data.campaigns.get(acc0)!.map((e) => e.status));
      expect([...statuses].sort()).toEqual(['ACTIVE', 'ARCHIVED', 'DELETED_DRAFT', 'DRAFT', 'PAUSED']);
      const currencies = new Set(sim.data.adAccounts.map((a) => a.currency));
      expect(currencies.size).toBeGreaterThanOrEqual(3);
    });

    test('pages follow bookmarks, default page size 25, bookmark null on the last page', async () => {
      const first = await c.ok('/user_account/followers');
      expect(first.items).toHaveLength(25);
      expect(typeof first.bookmark).toBe('string');
      const all = await c.all('/user_account/followers');
      expect(all).toHaveLength(sim.data.followers.length);
      expect(new Set(all.map((f) => f.username)).size).toBe(all.length);
      const last = await c.ok('/user_account/followers', {
        page_size: 250,
        bookmark: (await c.ok('/user_account/followers', { page_size: 250 })).bookmark,
      });
      expect(last.bookmark).toBeNull();
      const pins = await c.all('/pins');
      expect(pins.length).toBeGreaterThan(250);
      expect(pins.some((p) => p.is_owner === true && p.parent_pin_id === null)).toBe(true);
      expect(pins.some((p) => p.is_owner === false && typeof p.parent_pin_id === 'string')).toBe(true);
    });

    test('page_size and bookmark are validated', async () => {
      for (const ps of ['0', '251', 'abc', '2.5']) {
        const r = await c.get('/boards', { page_size: ps });
        expect(r.status).toBe(400);
        expect(r.json.code).toBe(1);
      }
      expect((await c.get('/boards', { page_size: 1 })).json.items).toHaveLength(1);
      expect((await c.get('/boards', { page_size: 250 })).status).toBe(200);
      const r = await c.get('/boards', { bookmark: 'not-a-bookmark' });
      expect(r.status).toBe(400);
      // a bookmark of one list is not valid for another
      const bm = (await c.ok('/user_account/followers')).bookmark;
      expect((await c.get('/boards', { bookmark: bm })).status).toBe(400);
    });

    test('entity_statuses: default ACTIVE+PAUSED, comma-joined and repeated keys, validation', async () => {
      const p = `/ad_accounts/${acc0}/campaigns`;
      const def = await c.all(p);
      expect(new Set(def.map((x) => x.status))).toEqual(new Set(['ACTIVE', 'PAUSED']));
      const comma = await c.all(p, { entity_statuses: 'ACTIVE,PAUSED,ARCHIVED' });
      const repeated = await c.all(p, { entity_statuses: ['ACTIVE', 'PAUSED', 'ARCHIVED'] });
      expect(comma).toEqual(repeated);
      expect(comma.length).toBeGreaterThan(250);
      expect(new Set(comma.map((x) => x.status))).toEqual(new Set(['ACTIVE', 'PAUSED', 'ARCHIVED']));
      const drafts = await c.all(p, { entity_statuses: 'DRAFT,DELETED_DRAFT' });
      expect(drafts.length).toBeGreaterThan(0);
      expect((await c.get(p, { entity_statuses: 'ACTIVE,RUNNING' })).status).toBe(400);
      const desc = await c.all(p, { entity_statuses: 'ACTIVE,PAUSED,ARCHIVED', order: 'DESCENDING' });
      expect(desc.map((x) => x.id)).toEqual(comma.map((x) => x.id).reverse());
    });

    test('id filters on ad groups and ads', async () => {
      const camps = sim.data.campaigns
        .get(acc0)!
        .slice(0, 3)
        .map((e) => e.id);
      const groups = await c.all(`/ad_accounts/${acc0}/ad_groups`, {
        campaign_ids: camps.join(','),
        entity_statuses: 'ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT',
      });
      expect(groups.length).toBeGreaterThan(0);
      expect(groups.every((g) => camps.includes(g.campaign_id))).toBe(true);
      const adIds = sim.data.ads
        .get(acc0)!
        .slice(0, 5)
        .map((e) => e.id);
      const ads = await c.all(`/ad_accounts/${acc0}/ads`, {
        ad_ids: adIds,
        entity_statuses: 'ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT',
      });
      expect(ads.map((a) => a.id).sort()).toEqual([...adIds].sort());
      expect((await c.get(`/ad_accounts/${acc0}/ads`, { ad_ids: adIds[0], campaign_ids: camps[0] })).status).toBe(400);
      const many = Array.from({ length: 251 }, (_, i) => String(1000 + i)).join(',');
      expect((await c.get(`/ad_accounts/${acc0}/campaigns`, { campaign_ids: many })).status).toBe(400);
    });

    test('ad accounts: list, single, unknown, shared filter', async () => {
      const list = await c.all('/ad_accounts');
      expect(list.map((a) => a.id)).toEqual(sim.data.adAccounts.map((a) => a.id));
      const owned = await c.all('/ad_accounts', { include_shared_accounts: 'false' });
      expect(owned.length).toBeLessThan(list.length);
      const one = await c.ok(`/ad_accounts/${acc0}`);
      expect(one).toEqual(list[0]);
      const unknown = await c.get('/ad_accounts/123456789');
      expect(unknown.status).toBe(403);
      expect(unknown.json).toEqual({
        code: 29,
        message: 'You are not permitted to access that resource.',
        status: 'failure',
      });
      expect((await c.get('/ad_accounts/123456789/campaigns')).status).toBe(403);
      expect((await c.get('/ad_accounts/abc')).status).toBe(400);
    });

    test('unknown routes answer 404 with a Pinterest error body', async () => {
      const r = await c.get('/no_such_thing');
      expect(r.status).toBe(404);
      expect(r.json.code).toBe(404);
      const r2 = await request(`${sim.url.replace(/\/v5$/, '')}/v4/boards`);
      expect(r2.status).toBe(404);
    });
  });

  describe('analytics validation', () => {
    const base = () => ({
      start_date: day(-10),
      end_date: day(0),
      granularity: 'DAY',
      columns: 'SPEND_IN_DOLLAR,TOTAL_IMPRESSION',
      campaign_ids: sim.data.campaigns
        .get(acc0)!
        .slice(0, 5)
        .map((e) => e.id)
        .join(','),
    });
    const an = () => `/ad_accounts/${acc0}/campaigns/analytics`;

    test('required parameters and enums', async () => {
      expect((await c.get(an(), base())).status).toBe(200);
      for (const k of ['start_date', 'end_date', 'columns', 'granularity', 'campaign_ids'] as const) {
        const p: Record<string, string | undefined> = { ...base() };
        p[k] = undefined;
        const r = await c.get(an(), p);
        expect(r.status).toBe(400);
        expect(r.json.message).toContain(k);
      }
      const cases: Record<string, string>[] = [
        { columns: 'SPEND_IN_DOLLAR,NOPE' },
        { granularity: 'DAILY' },
        { click_window_days: '3' },
        { engagement_window_days: 'x' },
        { view_window_days: '2' },
        { conversion_report_time: 'NOW' },
        { start_date: '2026-02-30' },
        { campaign_ids: '12a' },
      ];
      for (const extra of cases) {
        const r = await c.get(an(), { ...base(), ...extra });
        expect([r.status, extra]).toEqual([400, extra]);
        expect(r.json.code).toBe(1);
      }
      const ok = await c.get(an(), {
        ...base(),
        click_window_days: 7,
        engagement_window_days: 0,
        view_window_days: 60,
        conversion_report_time: 'TIME_OF_CONVERSION',
      });
      expect(ok.status).toBe(200);
    });

    test('the 90-day limits', async () => {
      const tooOld = await c.get(an(), { ...base(), start_date: day(-90), end_date: day(-80) });
      expect(tooOld.status).toBe(400);
      expect(tooOld.json).toEqual({
        code: 1,
        message: 'You can only get data from the last 90 days',
        status: 'failure',
      });
      expect((await c.get(an(), { ...base(), start_date: day(-89), end_date: day(0) })).status).toBe(200);
      expect((await c.get(an(), { ...base(), start_date: day(-5), end_date: day(-6) })).status).toBe(400);
      expect((await c.get(an(), { ...base(), start_date: day(-89), end_date: day(1) })).status).toBe(200); // 90 days after start
      expect((await c.get(an(), { ...base(), start_date: day(-89), end_date: day(2) })).status).toBe(400); // 91
      const ids = Array.from({ length: 251 }, (_, i) => String(1000 + i)).join(',');
      expect((await c.get(an(), { ...base(), campaign_ids: ids })).status).toBe(400);
    });

    test('targeting types per level, at most 14', async () => {
      const t = (lvl: string, ids: string, key: string, types: string) =>
        c.get(`/ad_accounts/${acc0}/${lvl}/targeting_analytics`, {
          ...base(),
          campaign_ids: undefined,
          [key]: ids,
          targeting_types: types,
        });
      const cid = sim.data.campaigns.get(acc0)![0].id;
      const gid = sim.data.adGroups.get(acc0)![0].id;
      const aid = sim.data.ads.get(acc0)![0].id;
      expect((await t('campaigns', cid, 'campaign_ids', CAMPAIGN_TARGETING_TYPES.slice(0, 14).join(','))).status).toBe(
        200,
      );
      expect((await t('campaigns', cid, 'campaign_ids', CAMPAIGN_TARGETING_TYPES.join(','))).status).toBe(400); // 15
      expect((await t('campaigns', cid, 'campaign_ids', 'AUDIENCE_MULTIPLIER')).status).toBe(200);
      expect((await t('ad_groups', gid, 'ad_group_ids', 'CREATIVE_ENHANCEMENTS')).status).toBe(200);
      expect((await t('ad_groups', gid, 'ad_group_ids', 'CREATIVE_TYPE')).status).toBe(400);
      expect((await t('ads', aid, 'ad_ids', 'QUIZ_RESULT')).status).toBe(200);
      expect((await t('ads', aid, 'ad_ids', 'CREATIVE_ENHANCEMENTS')).status).toBe(400);
      const missing = await c.get(`/ad_accounts/${acc0}/ads/targeting_analytics`, {
        ...base(),
        campaign_ids: undefined,
        ad_ids: aid,
      });
      expect(missing.status).toBe(400);
      expect(missing.json.message).toContain('targeting_types');
    });

    test('ads analytics accepts ad_ids or campaign_ids + pin_ids', async () => {
      const a = sim.data.ads.get(acc0)!.find((e) => e.flightStart !== null)!;
      const p = `/ad_accounts/${acc0}/ads/analytics`;
      const b = { ...base(), campaign_ids: undefined, start_date: day(-89) };
      expect((await c.get(p, b)).status).toBe(400);
      const byAd = await c.ok(p, { ...b, ad_ids: a.id });
      const byPin = await c.ok(p, { ...b, campaign_ids: a.campaignId, pin_ids: a.pinId });
      expect(byPin.filter((r: any) => r.AD_ID === a.id)).toEqual(byAd);
    });

    test('pin and user analytics', async () => {
      const owned = sim.data.pins.filter((p) => p.owned && !p.refuse);
      const pin = owned[0];
      const r = await c.ok(`/pins/${pin.id}/analytics`, {
        start_date: day(-3),
        end_date: day(0),
        metric_types: 'IMPRESSION,SAVE,SAVE_RATE',
      });
      expect(r.all.daily_metrics.map((d: any) => d.date)).toEqual([day(-3), day(-2), day(-1), day(0)]);
      expect(r.all.daily_metrics.at(-1).data_status).toBe('PROCESSING');
      expect(r.all.daily_metrics[0].data_status).toBe('READY');
      expect(Object.keys(r.all.daily_metrics[0].metrics).sort()).toEqual(['IMPRESSION', 'SAVE', 'SAVE_RATE']);
      expect(r.all.summary_metrics.IMPRESSION).toBe(
        r.all.daily_metrics.reduce((s: number, d: any) => s + d.metrics.IMPRESSION, 0),
      );
      expect((await c.get(`/pins/${pin.id}/analytics`, { start_date: day(-3), end_date: day(0) })).status).toBe(400);
      expect(
        (
          await c.get(`/pins/${pin.id}/analytics`, {
            start_date: day(-90),
            end_date: day(0),
            metric_types: 'IMPRESSION',
          })
        ).status,
      ).toBe(400);
      const repin = sim.data.pins.find((p) => !p.owned)!;
      const forbidden = await c.get(`/pins/${repin.id}/analytics`, {
        start_date: day(-3),
        end_date: day(0),
        metric_types: 'IMPRESSION',
      });
      expect(forbidden.status).toBe(403);
      expect(forbidden.json.message).toBe('Not authorized to access board or Pin.');
      const refusing = sim.data.pins.filter((p) => p.owned && p.refuse);
      expect(new Set(refusing.map((p) => p.refuse))).toEqual(new Set([403, 404]));
      for (const p of refusing) {
        const rr = await c.get(`/pins/${p.id}/analytics`, {
          start_date: day(-3),
          end_date: day(0),
          metric_types: 'IMPRESSION',
        });
        expect(rr.status).toBe(p.refuse);
        expect(rr.json.message).toBe(p.refuse === 404 ? 'Pin not found.' : 'Not authorized to access board or Pin.');
      }
      const user = await c.ok('/user_account/analytics', { start_date: day(-1), end_date: day(0) });
      expect(Object.keys(user.all.daily_metrics[0].metrics)).toHaveLength(9);
      expect(user.all.daily_metrics.map((d: any) => d.data_status)).toEqual(['READY', 'PROCESSING']);
      const two = await c.ok('/user_account/analytics', {
        start_date: day(-1),
        end_date: day(0),
        metric_types: 'IMPRESSION,SAVE',
      });
      expect(Object.keys(two.all.daily_metrics[0].metrics).sort()).toEqual(['IMPRESSION', 'SAVE']);
    });

    test('batched pin analytics: ≤ 100 pin_ids, keyed by pin id, the per-pin answers; refused pins left out', async () => {
      const served = sim.data.pins.filter((p) => p.owned && !p.refuse);
      const refusing = sim.data.pins.filter((p) => p.owned && p.refuse);
      const repin = sim.data.pins.find((p) => !p.owned)!;
      const q = { start_date: day(-3), end_date: day(0), metric_types: 'IMPRESSION,SAVE' };
      const ids = [served[0].id, served[1].id, refusing[0].id, repin.id];
      const bulk = await c.ok('/pins/analytics', { ...q, pin_ids: ids.join(',') });
      expect(Object.keys(bulk).sort()).toEqual([served[0].id, served[1].id].sort());
      for (const pin of served.slice(0, 2)) expect(bulk[pin.id]).toEqual(await c.ok(`/pins/${pin.id}/analytics`, q));
      const many = Array.from({ length: 101 }, (_, i) => served[i % served.length].id);
      const tooMany = await c.get('/pins/analytics', { ...q, pin_ids: many.join(',') });
      expect([tooMany.status, tooMany.json.message]).toEqual([400, expect.stringMatching(/pin_ids.*at most 100/)]);
      expect((await c.get('/pins/analytics', q)).status).toBe(400);
      expect((await c.get('/pins/analytics', { ...q, pin_ids: ids[0], metric_types: undefined })).status).toBe(400);
    });

    test('granularity TOTAL and MONTH are served; HOUR limits are checked', async () => {
      const total = await c.ok(an(), { ...base(), granularity: 'TOTAL' });
      expect(total.every((r: any) => r.DATE === undefined)).toBe(true);
      const month = await c.ok(an(), { ...base(), granularity: 'MONTH', start_date: day(-60) });
      expect(month.every((r: any) => /^\d{4}-\d{2}-01$/.test(r.DATE))).toBe(true);
      expect((await c.get(an(), { ...base(), granularity: 'HOUR', start_date: day(-20) })).status).toBe(400);
    });
  });

  describe('determinism', () => {
    test('a day has the same values whatever window it is requested in', async () => {
      const ids = sim.data.ads
        .get(acc0)!
        .slice(0, 250)
        .map((e) => e.id)
        .join(',');
      const cols = 'SPEND_IN_MICRO_DOLLAR,TOTAL_IMPRESSION,CTR,TOTAL_CONVERSIONS,AD_NAME';
      const p = `/ad_accounts/${acc0}/ads/analytics`;
      const a = await c.ok(p, {
        start_date: day(-89),
        end_date: day(-30),
        granularity: 'DAY',
        columns: cols,
        ad_ids: ids,
      });
      const b = await c.ok(p, {
        start_date: day(-45),
        end_date: day(0),
        granularity: 'DAY',
        columns: cols,
        ad_ids: ids,
      });
      const overlap = (rows: any[]) =>
        rows
          .filter((r) => r.DATE >= day(-45) && r.DATE <= day(-30))
          .map((r) => JSON.stringify(r))
          .sort();
      expect(overlap(a).length).toBeGreaterThan(0);
      expect(overlap(a)).toEqual(overlap(b));
      const tp = `/ad_accounts/${acc0}/ads/targeting_analytics`;
      const ta = await c.ok(tp, {
        start_date: day(-89),
        end_date: day(-30),
        granularity: 'DAY',
        columns: cols,
        ad_ids: ids,
        targeting_types: AD_TARGETING_TYPES.join(','),
      });
      const tb = await c.ok(tp, {
        start_date: day(-45),
        end_date: day(0),
        granularity: 'DAY',
        columns: cols,
        ad_ids: ids,
        targeting_types: AD_TARGETING_TYPES.join(','),
      });
      const tOverlap = (res: any) =>
        res.data
          .filter((r: any) => r.metrics.DATE >= day(-45) && r.metrics.DATE <= day(-30))
          .map((r: any) => JSON.stringify(r))
          .sort();
      expect(tOverlap(ta).length).toBeGreaterThan(0);
      expect(tOverlap(ta)).toEqual(tOverlap(tb));
    });

    test('ADVERTISER[_TARGETING] report rows equal what GET /ad_accounts/{id}/analytics and /targeting_analytics give for the same days', async () => {
      const report = async (body: Record<string, unknown>): Promise<Record<string, any[]>> => {
        const headers = { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' };
        const created = await request(`${sim.url}/ad_accounts/${acc0}/reports`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
        expect(created.status).toBe(200);
        for (let i = 0; i < 10; i++) {
          const r = await request(`${sim.url}/ad_accounts/${acc0}/reports${qs({ token: created.json.token })}`, {
            headers,
          });
          if (r.json.report_status === 'FINISHED') return (await request(r.json.url)).json;
        }
        throw new Error('the report never finished');
      };
      const cols = 'SPEND_IN_MICRO_DOLLAR,TOTAL_IMPRESSION,CTR,TOTAL_CONVERSIONS';
      const win = { start_date: day(-89), end_date: day(0), granularity: 'DAY', columns: cols };
      const body = { ...win, columns: cols.split(','), report_format: 'JSON' };
      const sync = await c.ok(`/ad_accounts/${acc0}/analytics`, win);
      const file = await report({ ...body, level: 'ADVERTISER' });
      expect(Object.keys(file)).toEqual([acc0]); // one member, keyed by the account
      expect(sync.length).toBeGreaterThan(10);
      // Report files carry ids as strings (the synchronous JSON has numbers), as at the other levels.
      const idText = (r: any) => ({ ...r, AD_ACCOUNT_ID: String(r.AD_ACCOUNT_ID) });
      expect(canon(file[acc0])).toEqual(canon(sync.map(idText)));
      const types = AD_ACCOUNT_TARGETING_TYPES.slice(0, 5);
      const tSync = await c.ok(`/ad_accounts/${acc0}/targeting_analytics`, {
        ...win,
        targeting_types: types.join(','),
      });
      const tFile = await report({ ...body, level: 'ADVERTISER_TARGETING', targeting_types: types });
      const flat = tSync.data.map((d: any) => ({
        ...idText(d.metrics),
        TARGETING_TYPE: d.targeting_type,
        TARGETING_VALUE: d.targeting_value,
      }));
      expect(flat.length).toBeGreaterThan(10);
      expect(canon(tFile[acc0])).toEqual(canon(flat));
    });

    test('reporting_timezone AD_ACCOUNT_TIME_ZONE shifts report days as it shifts synchronous days; ids stay numbers', async () => {
      const headers = { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' };
      const report = async (body: Record<string, unknown>): Promise<{ text: string; json: Record<string, any[]> }> => {
        const created = await request(`${sim.url}/ad_accounts/${acc0}/reports`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
        expect(created.status).toBe(200);
        for (let i = 0; i < 10; i++) {
          const r = await request(`${sim.url}/ad_accounts/${acc0}/reports${qs({ token: created.json.token })}`, {
            headers,
          });
          if (r.json.report_status === 'FINISHED') {
            const file = await request(r.json.url);
            return { text: file.text, json: file.json };
          }
        }
        throw new Error('the report never finished');
      };
      const cols = 'SPEND_IN_MICRO_DOLLAR,TOTAL_IMPRESSION,CTR';
      const win = { start_date: day(-89), end_date: day(0), granularity: 'DAY', columns: cols };
      const body = { ...win, columns: cols.split(','), level: 'ADVERTISER' };
      const idText = (r: any) => ({ ...r, AD_ACCOUNT_ID: String(r.AD_ACCOUNT_ID) });
      const zone = { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' };
      const syncUtc = await c.ok(`/ad_accounts/${acc0}/analytics`, win);
      const syncZone = await c.ok(`/ad_accounts/${acc0}/analytics`, { ...win, ...zone });
      const fileZone = (await report({ ...body, ...zone })).json;
      expect(syncZone.length).toBeGreaterThan(10);
      expect(canon(fileZone[acc0])).toEqual(canon(syncZone.map(idText)));
      // The same days have rows; their numbers are the account's day's, not the UTC day's.
      expect(syncZone.map((r: any) => r.DATE)).toEqual(syncUtc.map((r: any) => r.DATE));
      expect(canon(syncZone)).not.toEqual(canon(syncUtc));
      const refused = await request(`${sim.url}/ad_accounts/${acc0}/reports`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...body, reporting_timezone: 'UTC' }),
      });
      expect([refused.status, refused.json.message]).toEqual([400, expect.stringContaining('reporting_timezone')]);
      // PIN_ID and PRODUCT_ITEM_ID are JSON numbers of 18–19 digits in report files.
      const pins = await report({ ...body, level: 'PIN_PROMOTION', columns: ['PIN_ID', 'TOTAL_IMPRESSION'] });
      expect(pins.text).toMatch(/"PIN_ID":\d{18,19}[,}]/);
      const items = await report({ ...body, level: 'PRODUCT_ITEM', start_date: day(-30) });
      expect(items.text).toMatch(/"PRODUCT_ITEM_ID":\d{19}[,}]/);
    });

    test('rows have missing days, missing columns, numeric and unicode targeting values', async () => {
      const ents = sim.data.ads.get(acc0)!.slice(0, 250);
      const ids = ents.map((e) => e.id).join(',');
      const rows = await c.ok(`/ad_accounts/${acc0}/ads/analytics`, {
        start_date: day(-89),
        end_date: day(0),
        granularity: 'DAY',
        columns: 'SPEND_IN_DOLLAR,TOTAL_IMPRESSION,TOTAL_CLICKTHROUGH',
        ad_ids: ids,
      });
      expect(rows.some((r: any) => !('TOTAL_IMPRESSION' in r))).toBe(true);
      expect(
        rows.every((r: any) =>
          Object.keys(r).every((k) =>
            ['AD_ID', 'DATE', 'SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CLICKTHROUGH'].includes(k),
          ),
        ),
      ).toBe(true);
      const perAd = new Map<string, number>();
      for (const r of rows) perAd.set(r.AD_ID, (perAd.get(r.AD_ID) ?? 0) + 1);
      expect(perAd.size).toBeLessThan(ents.length); // some ads have no rows at all
      const t = await c.ok(`/ad_accounts/${acc0}/campaigns/targeting_analytics`, {
        start_date: day(-89),
        end_date: day(0),
        granularity: 'DAY',
        columns: 'SPEND_IN_DOLLAR',
        campaign_ids: sim.data.campaigns
          .get(acc0)!
          .slice(0, 250)
          .map((e) => e.id)
          .join(','),
        targeting_types: 'KEYWORD,LOCATION,AUDIENCE_INCLUDE,TARGETED_INTEREST',
      });
      const values = t.data.map((d: any) => d.targeting_value);
      expect(values.some((v: unknown) => typeof v === 'number')).toBe(true);
      expect(values.some((v: unknown) => typeof v === 'string' && /[^\x00-\x7f]/.test(v))).toBe(true);
      expect(typeof t.data[0].metrics.CAMPAIGN_ID).toBe('number'); // as in the OpenAPI example
    });

    test('same seed, same data; another seed, other data', async () => {
      const again = await startSimulator({ today: TODAY, seed: 7 });
      const other = await startSimulator({ today: TODAY, seed: 8 });
      try {
        expect(again.data.campaigns.get(acc0)!.map((e) => e.item)).toEqual(
          sim.data.campaigns.get(acc0)!.map((e) => e.item),
        );
        expect(other.data.adAccounts[0].id).not.toBe(acc0);
        const cfg = { columns: ['SPEND_IN_DOLLAR'], countsOnly: true };
        expect(again.groundTruth(cfg).counts).toEqual(sim.groundTruth(cfg).counts);
      } finally {
        await again.close();
        await other.close();
      }
    });
  });

  describe('OAuth', () => {
    test('client authentication, refresh token and bearer checks', async () => {
      const wrong = await request(`${sim.url}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('x:y').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: `grant_type=refresh_token&refresh_token=${sim.credentials.refreshToken}`,
      });
      expect(wrong.status).toBe(401);
      expect(wrong.json).toEqual({ code: 2, message: 'Authentication failed.', status: 'failure' });
      // Pinterest's answer for a dead refresh token: 401 code 283.
      const badRt = await tokenFor(sim, 'pinr_nope');
      expect(badRt.status).toBe(401);
      expect(badRt.json).toEqual({ code: 283, message: 'The authorization grant is invalid', status: 'failure' });
      // Access tokens live 30 days; every answer carries a new refresh token, and (without rotation) the old one still works.
      const ok = await tokenFor(sim);
      expect(ok.json).toMatchObject({ token_type: 'bearer', expires_in: 2592000, response_type: 'refresh_token' });
      expect(ok.json.access_token).toMatch(/^pina_/);
      expect(ok.json.refresh_token).toMatch(/^pinr_/);
      expect(ok.json.refresh_token).not.toBe(sim.credentials.refreshToken);
      expect((await tokenFor(sim)).status).toBe(200);
      const none = await request(`${sim.url}/boards`);
      expect(none.status).toBe(401);
      expect(none.json).toEqual({ code: 2, message: 'Authentication failed.', status: 'failure' });
      const junk = await request(`${sim.url}/boards`, { headers: { authorization: 'Bearer pina_junk' } });
      expect(junk.status).toBe(401);
      const stat = await request(`${sim.url}/boards`, {
        headers: { authorization: `Bearer ${DEFAULT_CREDENTIALS.staticAccessToken}` },
      });
      expect(stat.status).toBe(200);
    });

    test('rotation, revocation and expiry', async () => {
      const s = await startSimulator({ today: TODAY, rotateRefreshToken: true, accessTokenTtlSeconds: 120 });
      try {
        const first = await tokenFor(s);
        expect(first.status).toBe(200);
        validator().check('POST /oauth/token', first.json);
        expect(first.json.refresh_token).toMatch(/^pinr_/);
        expect(first.json.refresh_token_expires_in).toBeGreaterThan(0);
        expect(s.currentRefreshToken()).toBe(first.json.refresh_token);
        expect((await tokenFor(s, DEFAULT_CREDENTIALS.refreshToken)).status).toBe(401); // the old one is gone
        const second = await tokenFor(s, first.json.refresh_token);
        expect(second.status).toBe(200);
        const auth = { authorization: `Bearer ${second.json.access_token}` };
        expect((await request(`${s.url}/user_account`, { headers: auth })).status).toBe(200);
        s.expireAccessTokens();
        const expired = await request(`${s.url}/user_account`, { headers: auth });
        expect(expired.status).toBe(401);
        expect(expired.json.code).toBe(2);
        expect(
          (
            await request(`${s.url}/user_account`, {
              headers: { authorization: `Bearer ${DEFAULT_CREDENTIALS.staticAccessToken}` },
            })
          ).status,
        ).toBe(401);
        const third = await tokenFor(s, s.currentRefreshToken());
        expect(
          (await request(`${s.url}/user_account`, { headers: { authorization: `Bearer ${third.json.access_token}` } }))
            .status,
        ).toBe(200);
        s.revokeRefreshToken();
        const revoked = await tokenFor(s, s.currentRefreshToken());
        expect(revoked.status).toBe(401);
        expect(revoked.json.code).toBe(283);
      } finally {
        await s.close();
      }
    });

    test('missing scopes give 401 code 3 (as Pinterest); secret boards need boards:read_secret', async () => {
      const s = await startSimulator({ today: TODAY, scopes: ['boards:read', 'pins:read', 'user_accounts:read'] });
      try {
        const cl = new Client(s);
        await cl.login();
        const r = await cl.get('/ad_accounts');
        expect(r.status).toBe(401);
        expect(r.json.code).toBe(3);
        expect(r.json.message).toContain('scopes');
        const boards = await cl.all('/boards');
        expect(boards.every((b) => b.privacy !== 'SECRET')).toBe(true);
        expect(boards.length).toBeLessThan(s.data.boards.length);
      } finally {
        await s.close();
      }
    });
  });

  describe('rate limits', () => {
    test('sliding window per category with headers', async () => {
      const s = await startSimulator({
        today: TODAY,
        rateLimits: { ads_read: { limit: 3, windowMs: 400 } },
        rateLimitHeaders: true,
      });
      try {
        const cl = new Client(s, false);
        await cl.login();
        const got: Resp[] = [];
        for (let i = 0; i < 4; i++) got.push(await cl.get('/ad_accounts'));
        expect(got.map((r) => r.status)).toEqual([200, 200, 200, 429]);
        expect(got[0].headers['x-ratelimit-limit']).toBe('3');
        expect(got[2].headers['x-ratelimit-remaining']).toBe('0');
        const limited = got[3];
        expect(limited.json).toEqual({
          code: 8,
          message:
            'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
        });
        expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
        expect((await cl.get('/boards')).status).toBe(200); // org_read is not limited
        expect((await cl.get('/user_account/followers')).status).toBe(429); // followers are ads_read
        await new Promise((r) => setTimeout(r, 450));
        expect((await cl.get('/ad_accounts')).status).toBe(200);
        expect(s.requestLog.filter((r) => r.status === 429).every((r) => r.category === 'ads_read')).toBe(true);
      } finally {
        await s.close();
      }
    });

    test('refuseReportingTimezone: the report endpoint refuses AD_ACCOUNT_TIME_ZONE as the synchronous one does', async () => {
      const s = await startSimulator({ today: TODAY, refuseReportingTimezone: true });
      try {
        const cl = new Client(s, false);
        await cl.login();
        const a = s.data.adAccounts[0].id;
        const window = { start_date: day(-3), end_date: day(0), granularity: 'DAY' };
        const sync = await cl.get(`/ad_accounts/${a}/analytics`, {
          ...window,
          columns: 'SPEND_IN_DOLLAR',
          reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
        });
        const body = { ...window, level: 'ADVERTISER', columns: ['SPEND_IN_DOLLAR'] };
        const post = (extra: Record<string, unknown>) =>
          request(`${s.url}/ad_accounts/${a}/reports`, {
            method: 'POST',
            headers: { authorization: `Bearer ${cl.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ ...body, ...extra }),
          });
        const report = await post({ reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' });
        expect([report.status, report.json.message]).toEqual([400, sync.json.message]);
        expect(sync.json.message).toContain('reporting_timezone');
        expect((await post({ reporting_timezone: 'PINTEREST_TIME_ZONE' })).status).toBe(200);
      } finally {
        await s.close();
      }
    });

    test('daily quota answers 429 with Retry-After until the next UTC midnight', async () => {
      const s = await startSimulator({ today: TODAY, dailyQuota: { ads_analytics: 2 } });
      try {
        const cl = new Client(s, false);
        await cl.login();
        const a = s.data.adAccounts[0].id;
        const p = `/ad_accounts/${a}/campaigns/analytics`;
        const params = {
          start_date: day(-3),
          end_date: day(0),
          granularity: 'DAY',
          columns: 'SPEND_IN_DOLLAR',
          campaign_ids: s.data.campaigns.get(a)![0].id,
        };
        expect((await cl.get(p, params)).status).toBe(200);
        expect((await cl.get(p, params)).status).toBe(200);
        const r = await cl.get(p, params);
        expect(r.status).toBe(429);
        expect(r.json.code).toBe(8);
        const expected = Math.ceil((Math.floor(Date.now() / DAY + 1) * DAY - Date.now()) / 1000);
        expect(Math.abs(Number(r.headers['retry-after']) - expected)).toBeLessThanOrEqual(2);
        expect((await cl.get(`/ad_accounts/${a}/campaigns`)).status).toBe(200);
        s.resetRateLimits();
        expect((await cl.get(p, params)).status).toBe(200);
      } finally {
        await s.close();
      }
    });
  });

  describe('faults', () => {
    let s: Simulator;
    let cl: Client;
    beforeAll(async () => {
      s = await startSimulator({ today: TODAY, faults: { rate: 0, kinds: [], slowMs: 300 } });
      cl = new Client(s, false);
      await cl.login();
    });
    afterAll(async () => {
      await s.close();
    });

    test('http500, http502, http503', async () => {
      s.failNext('http500');
      const a = await cl.get('/boards');
      expect(a.status).toBe(500);
      expect(a.json.message).toBeDefined();
      s.failNext('http502');
      const b = await cl.get('/boards');
      expect(b.status).toBe(502);
      expect(b.headers['content-type']).toContain('text/html');
      s.failNext('http503', { count: 2 });
      expect((await cl.get('/boards')).status).toBe(503);
      expect((await cl.get('/boards')).status).toBe(503);
      expect((await cl.get('/boards')).status).toBe(200);
      expect(s.requestLog.filter((r) => r.fault).map((r) => r.fault)).toEqual([
        'http500',
        'http502',
        'http503',
        'http503',
      ]);
    });

    test('drop and truncate', async () => {
      s.failNext('drop');
      await expect(cl.get('/boards')).rejects.toThrow();
      s.failNext('truncate');
      await expect(cl.get('/pins')).rejects.toThrow(/truncated|aborted/);
      expect((await cl.get('/pins')).status).toBe(200);
      const log = s.requestLog.slice(-3);
      expect(log.map((r) => [r.fault, r.status])).toEqual([
        ['drop', 0],
        ['truncate', 200],
        [undefined, 200],
      ]);
    });

    test('slow', async () => {
      s.failNext('slow');
      const t0 = Date.now();
      expect((await cl.get('/boards')).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    });

    test('spurious400 hits analytics only; pathIncludes targets a path', async () => {
      const a = s.data.adAccounts[0].id;
      s.failNext('spurious400');
      expect((await cl.get('/boards')).status).toBe(200);
      const r = await cl.get(`/ad_accounts/${a}/campaigns/analytics`, {
        start_date: day(-3),
        end_date: day(0),
        granularity: 'DAY',
        columns: 'SPEND_IN_DOLLAR',
        campaign_ids: s.data.campaigns.get(a)![0].id,
      });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ code: 1, message: 'You can only get data from the last 90 days' });
      s.failNext('http500', { pathIncludes: '/user_account/followers' });
      expect((await cl.get('/boards')).status).toBe(200);
      expect((await cl.get('/user_account/followers')).status).toBe(500);
      s.failNext('http500', { pathIncludes: '/oauth/token' });
      expect((await tokenFor(s)).status).toBe(500);
    });

    test('random faults at a seeded rate spare the token endpoint', async () => {
      const f = await startSimulator({ today: TODAY, faults: { rate: 1, kinds: ['http503', 'spurious400'], seed: 3 } });
      try {
        const fc = new Client(f, false);
        await fc.login(); // not faulted
        const r = await fc.get('/boards');
        expect(r.status).toBe(503); // spurious400 never hits non-analytics
        const g = await startSimulator({ today: TODAY, faults: { rate: 0.5, kinds: ['http500'], seed: 5 } });
        const h = await startSimulator({ today: TODAY, faults: { rate: 0.5, kinds: ['http500'], seed: 5 } });
        try {
          const seq = async (x: Simulator) => {
            const xc = new Client(x, false);
            await xc.login();
            const out: number[] = [];
            for (let i = 0; i < 20; i++) out.push((await xc.get('/boards')).status);
            return out;
          };
          const sg = await seq(g);
          expect(sg).toEqual(await seq(h));
          expect(new Set(sg)).toEqual(new Set([200, 500]));
        } finally {
          await g.close();
          await h.close();
        }
      } finally {
        await f.close();
      }
    });

    test('interestsGone 503: the ramped-down answer (code 4197), and no interests in the ground truth', async () => {
      const g = await startSimulator({ today: TODAY, interestsGone: 503 });
      try {
        const gc = new Client(g);
        await gc.login();
        const r = await gc.get(`/users/${g.data.user.username}/interests/follow`);
        expect([r.status, r.json.code]).toEqual([503, 4197]);
        expect(g.groundTruth({ columns: ['SPEND_IN_DOLLAR'] }).records.user_interests).toEqual([]);
      } finally {
        await g.close();
      }
    });

    test('a token without catalogs:read: 401 code 3 on the catalog routes only', async () => {
      const g = await startSimulator({ today: TODAY, scopes: DEFAULT_SCOPES.filter((s) => s !== 'catalogs:read') });
      try {
        const gc = new Client(g);
        await gc.login();
        for (const p of ['/catalogs', '/catalogs/feeds', '/catalogs/product_groups']) {
          const r = await gc.get(p);
          expect([p, r.status, r.json.code, r.json.status]).toEqual([p, 401, 3, 'failure']);
        }
        expect((await gc.get('/boards')).status).toBe(200);
        const gt = g.groundTruth({ columns: ['SPEND_IN_DOLLAR'] });
        expect([gt.records.catalogs, gt.records.catalogs_feeds, gt.records.catalogs_product_groups]).toEqual([
          [],
          [],
          [],
        ]);
      } finally {
        await g.close();
      }
    });

    test('interestsGone answers 404 for the route', async () => {
      const g = await startSimulator({ today: TODAY, interestsGone: true });
      try {
        const gc = new Client(g, false);
        await gc.login();
        const r = await gc.get(`/users/${g.data.user.username}/interests/follow`);
        expect(r.status).toBe(404);
        expect(g.groundTruth({ columns: ['SPEND_IN_DOLLAR'] }).records.user_interests).toEqual([]);
      } finally {
        await g.close();
      }
    });
  });

  describe('lookups', () => {
    test('audience insights need an audience type of the enum; targeting options a type of the path enum', async () => {
      const path = `/ad_accounts/${acc0}/audience_insights`;
      expect((await c.get(path)).status).toBe(400);
      expect((await c.get(path, { audience_insight_type: 'EVERYONE' })).status).toBe(400);
      const one = await c.ok(path, { audience_insight_type: 'YOUR_ENGAGED_AUDIENCE' });
      expect(one.type).toBe('YOUR_ENGAGED_AUDIENCE');
      expect(
        (await c.get('/ad_accounts/1/audience_insights', { audience_insight_type: 'YOUR_TOTAL_AUDIENCE' })).status,
      ).toBe(403);
      expect((await c.get('/resources/targeting/COUNTRY')).status).toBe(400);
      expect((await c.get('/resources/targeting/AUDIENCE_INCLUDE')).status).toBe(400);
      const locations = await c.ok('/resources/targeting/LOCATION');
      expect(locations[0]['501']).toBe('U.S.: New York');
    });
  });

  describe('stream mapping', () => {
    test('every endpoint that serves a stream is a plain list or names its ground-truth computation', () => {
      const rows = ENDPOINTS.filter((e) => !e.batchOf);
      const loose = rows.filter((e) => e.streams.length > 0 && !e.list === !e.truth).map((e) => e.path);
      expect(loose).toEqual([]);
      expect(new Set(STREAM_NAMES).size).toBe(rows.flatMap((e) => e.streams).length);
      // a batched row serves the streams of the per-item row it batches
      for (const b of ENDPOINTS.filter((e) => e.batchOf))
        expect(b.streams).toEqual(ENDPOINTS.find((e) => e.path === b.batchOf)!.streams);
    });

    test('streamForPath / streamOfRequest', () => {
      expect(streamForPath('/ad_accounts/1/ads/analytics')).toBe('ad_analytics|ad_analytics_daily');
      expect(streamForPath('/v5/ad_accounts/1/ad_groups/targeting_analytics?x=1')).toBe('ad_group_targeting_analytics');
      expect(streamForPath('/users/bob/interests/follow')).toBe('user_interests');
      expect(streamForPath('/pins/123/analytics')).toBe('pin_analytics');
      expect(streamForPath('/pins/analytics')).toBe('pin_analytics');
      expect(streamForPath('/ad_accounts')).toBeNull();
      expect(streamForPath('/ad_accounts/1')).toBeNull();
      expect(streamForPath('/user_account')).toBeNull();
      expect(streamOfRequest('POST', '/oauth/token')).toBeNull();
      expect(streamOfRequest('GET', '/boards')).toBe('boards');
    });
  });

  describe('ground truth = what the API serves', () => {
    test('a full read over HTTP, transformed, yields groundTruth records and minRequests', async () => {
      const columns = [
        'SPEND_IN_MICRO_DOLLAR',
        'SPEND_IN_DOLLAR',
        'TOTAL_IMPRESSION',
        'TOTAL_CLICKTHROUGH',
        'CTR',
        'CAMPAIGN_NAME',
        'TOTAL_CONVERSIONS',
      ];
      const windowDays = 30;
      const statuses = ['ACTIVE', 'PAUSED', 'ARCHIVED'];
      const gt: GroundTruth = sim.groundTruth({ today: TODAY, columns, windowDays, entityStatuses: statuses });
      sim.resetLog();
      const got: Record<string, Record<string, unknown>[]> = Object.fromEntries(STREAM_NAMES.map((n) => [n, []]));
      const start = gt.dateRange.start;
      const end = gt.dateRange.end;
      expect([start, end, gt.dateRange.dailyEnd]).toEqual([day(-89), day(0), day(-1)]);

      const user = await c.ok('/user_account');
      got.user_account = [{ ...user, snapshot_date: TODAY }];
      // One /pins read with pin_metrics=true serves pins (without the field) and pin_metrics (flattened).
      const listed = await c.all('/pins', { pin_metrics: 'true' });
      const pins = listed.map(({ pin_metrics: _, ...pin }) => pin);
      got.pins = pins;
      for (const p of listed) {
        const m = p.pin_metrics as Record<string, Record<string, number>> | null;
        if (!m) continue;
        got.pin_metrics.push({
          pin_id: String(p.id),
          snapshot_date: TODAY,
          ...Object.fromEntries(Object.entries(m['90d']).map(([k, v]) => [`last_90d_${k}`, v])),
          ...Object.fromEntries(Object.entries(m.lifetime_metrics).map(([k, v]) => [`lifetime_${k}`, v])),
        });
      }
      got.user_interests = await c.all(`/users/${encodeURIComponent(user.username)}/interests/follow`);
      const accounts = await c.all('/ad_accounts');
      // The ads-analytics endpoints of each level, their streams from the endpoint table.
      const analyticsRow = (level: Level, targeting: boolean) =>
        ENDPOINTS.find((e) => e.truth === 'ads_analytics' && e.level === level && !!e.targeting === targeting)!;
      const accountStreams = {
        analytics: analyticsRow('ad_account', false).streams[0],
        targeting: analyticsRow('ad_account', true).streams[0],
      };
      const levels = ENDPOINTS.filter((e) => e.truth === 'entities').map((list) => {
        const level = list.level!;
        const [anStream, dailyStream] = analyticsRow(level, false).streams;
        return {
          level,
          seg: list.path.split('/').pop()!,
          idParam: `${level}_ids`,
          idKey: `${level}_id`,
          listStream: list.streams[0],
          anStream,
          dailyStream,
          tgStream: analyticsRow(level, true).streams[0],
          types: TARGETING_TYPES[level],
        };
      });
      got.ad_accounts = accounts;
      const carry = (items: any[], field: string, value: string) =>
        items.map((it) => (it[field] == null ? { ...it, [field]: value } : it));
      for (const acc of accounts) {
        for (const [s, e] of windowsOf(start, end, windowDays)) {
          const rows = await c.ok(`/ad_accounts/${acc.id}/analytics`, {
            start_date: s,
            end_date: e,
            granularity: 'DAY',
            columns: columns.join(','),
          });
          for (const r of rows)
            got[accountStreams.analytics].push({ ...lower(r), ad_account_id: acc.id, currency: acc.currency });
          const res = await c.ok(`/ad_accounts/${acc.id}/targeting_analytics`, {
            start_date: s,
            end_date: e,
            granularity: 'DAY',
            columns: columns.join(','),
            targeting_types: TARGETING_TYPES.ad_account.join(','),
          });
          for (const d of res.data)
            got[accountStreams.targeting].push({
              ...lower(d.metrics),
              ad_account_id: acc.id,
              targeting_type: d.targeting_type,
              targeting_value: String(d.targeting_value),
              currency: acc.currency,
            });
        }
        for (const {
          level,
          seg,
          idParam,
          idKey: idKeyLower,
          listStream,
          anStream,
          dailyStream,
          tgStream,
          types,
        } of levels) {
          const ents = await c.all(`/ad_accounts/${acc.id}/${seg}`, {
            entity_statuses: level === 'ad' ? statuses : statuses.join(','),
          });
          got[listStream].push(...ents);
          const jobs: [string, string, string][] = windowsOf(start, end, windowDays).map(([s, e]) => [anStream, s, e]);
          if (dailyStream)
            jobs.push(
              ...windowsOf(start, gt.dateRange.dailyEnd, windowDays).map(
                ([s, e]) => [dailyStream, s, e] as [string, string, string],
              ),
            );
          for (const batch of chunks(
            ents.map((e) => e.id as string),
            250,
          )) {
            for (const [stream, s, e] of jobs) {
              const rows = await c.ok(`/ad_accounts/${acc.id}/${seg}/analytics`, {
                start_date: s,
                end_date: e,
                granularity: 'DAY',
                columns: columns.join(','),
                [idParam]: batch.join(','),
              });
              for (const r of rows) got[stream].push({ ...lower(r), ad_account_id: acc.id, currency: acc.currency });
            }
            for (const [s, e] of windowsOf(start, end, windowDays)) {
              for (const group of chunks([...types], 14)) {
                const res = await c.ok(`/ad_accounts/${acc.id}/${seg}/targeting_analytics`, {
                  start_date: s,
                  end_date: e,
                  granularity: 'DAY',
                  columns: columns.join(','),
                  [idParam]: batch.join(','),
                  targeting_types: group.join(','),
                });
                for (const d of res.data) {
                  const m = lower(d.metrics);
                  got[tgStream].push({
                    ...m,
                    [idKeyLower]: String(m[idKeyLower]),
                    targeting_type: d.targeting_type,
                    targeting_value: String(d.targeting_value),
                    ad_account_id: acc.id,
                    currency: acc.currency,
                  });
                }
              }
            }
          }
        }
      }
      // Every plain list of the endpoint table, per partition, with the queries a full read makes.
      const sectionsOf = new Map<string, string[]>();
      const sectionRow = ENDPOINTS.find((e) => e.list?.parent === 'board' && e.path.endsWith('/sections'))!;
      const partitionsOf = async (e: Endpoint): Promise<{ id: string; params: Record<string, string> }[]> => {
        if (e.list!.parent === 'ad_account')
          return accounts.map((a) => ({ id: a.id, params: { ad_account_id: a.id } }));
        if (e.list!.parent === 'board')
          return got.boards.map((b) => ({ id: String(b.id), params: { board_id: String(b.id) } }));
        if (e.list!.parent === 'board_section') {
          const out: { id: string; params: Record<string, string> }[] = [];
          for (const b of got.boards) {
            if (!sectionsOf.has(String(b.id)))
              sectionsOf.set(
                String(b.id),
                (await c.all(fill(sectionRow.path, { board_id: String(b.id) }))).map((s) => String(s.id)),
              );
            for (const id of sectionsOf.get(String(b.id))!)
              out.push({ id, params: { board_id: String(b.id), section_id: id } });
          }
          return out;
        }
        return [{ id: '', params: {} }];
      };
      const lookups: number[] = [];
      for (const e of ENDPOINTS.filter((row) => row.list)) {
        const spec = e.list!;
        const before = sim.requestLog.length;
        const parts = await partitionsOf(e);
        lookups.push(sim.requestLog.length - before);
        for (const part of parts) {
          const path = fill(e.path, part.params);
          for (const params of spec.readQueries?.(sim.data, part.id, new Set(statuses)) ?? [new URLSearchParams()]) {
            const q = Object.fromEntries(params);
            const items = spec.paged === false ? (await c.ok(path, q)).items : await c.all(path, q);
            got[e.streams[0]].push(...(spec.carries ? carry(items, spec.carries, part.id) : items));
          }
        }
      }
      // Product group analytics: the listed promotions' ids, ≤ 250 a request, per account and window.
      for (const acc of accounts) {
        const pgIds = got.product_group_promotions.filter((p) => p.ad_account_id === acc.id).map((p) => String(p.id));
        for (const batch of chunks(pgIds, 250))
          for (const [s, e] of windowsOf(start, end, windowDays)) {
            const rows = await c.ok(`/ad_accounts/${acc.id}/product_groups/analytics`, {
              start_date: s,
              end_date: e,
              granularity: 'DAY',
              columns: columns.join(','),
              product_group_ids: batch.join(','),
            });
            for (const r of rows)
              got.product_group_analytics.push({ ...lower(r), ad_account_id: acc.id, currency: acc.currency });
          }
      }
      // the lookups: one answer per ad account × audience type, and per targeting type with code values
      for (const acc of accounts)
        for (const type of AUDIENCE_INSIGHT_TYPES) {
          const answer = await c.ok(`/ad_accounts/${acc.id}/audience_insights`, { audience_insight_type: type });
          got.audience_insights.push(...audienceInsightRecords(acc.id, type, answer));
        }
      for (const type of TARGETING_LOOKUP_TYPES)
        got.targeting_values.push(...targetingValueRecords(type, await c.ok(`/resources/targeting/${type}`)));
      // board snapshots: the boards' counts on the day, from the same list (no request of their own)
      const snapshotFields = [
        'name',
        'privacy',
        'pin_count',
        'follower_count',
        'collaborator_count',
        'board_pins_modified_at',
      ];
      got.board_snapshots = got.boards.map((b) => ({
        board_id: String(b.id),
        snapshot_date: TODAY,
        ...Object.fromEntries(snapshotFields.filter((f) => b[f] !== undefined).map((f) => [f, b[f]])),
      }));
      const pinTypes = [
        'IMPRESSION',
        'OUTBOUND_CLICK',
        'PIN_CLICK',
        'SAVE',
        'SAVE_RATE',
        'TOTAL_COMMENTS',
        'TOTAL_REACTIONS',
        'USER_FOLLOW',
        'PROFILE_VISIT',
      ];
      // ≤ 100 owned pins per batched request; a pin left out of an answer is refused and not asked again
      const refused: string[] = [];
      let open = pins.filter((p) => p.is_owner).map((p) => p.id as string);
      for (const [s, e] of windowsOf(start, end, windowDays)) {
        const next: string[] = [];
        for (let i = 0; i < open.length; i += 100) {
          const group = open.slice(i, i + 100);
          const r = await c.ok('/pins/analytics', {
            start_date: s,
            end_date: e,
            metric_types: pinTypes.join(','),
            pin_ids: group.join(','),
          });
          for (const id of group) {
            if (!r[id]) {
              refused.push(id);
              continue;
            }
            next.push(id);
            for (const d of r[id].all.daily_metrics)
              got.pin_analytics.push({ pin_id: id, date: d.date, data_status: d.data_status, ...lower(d.metrics) });
          }
        }
        open = next;
      }
      for (const [s, e] of windowsOf(start, end, windowDays)) {
        const r = await c.ok('/user_account/analytics', { start_date: s, end_date: e });
        for (const d of r.all.daily_metrics)
          got.user_account_analytics.push({
            user_id: user.id,
            date: d.date,
            data_status: d.data_status,
            ...lower(d.metrics),
          });
      }

      // Which days are final: the newest day first, back to the first ready one (older days count as ready).
      let back = 0;
      for (;;) {
        const r = await c.ok('/resources/metrics_ready_state', { date: day(-back) });
        if (r.conversion_metrics_ready && r.non_conversion_metrics_ready) break;
        back++;
      }
      const lastReady = day(-back);
      expect(lastReady).toBe(gt.lastReadyDay);
      for (const e of ENDPOINTS.filter(
        (row) => row.truth === 'ads_analytics' || row.truth === 'product_group_analytics',
      ))
        for (const name of e.streams) for (const r of got[name]) r.data_ready = String(r.date) <= lastReady;

      // Streams only reports serve are read last (below): their requests are no one stream's.
      const reportOnly = new Set(ENDPOINTS.filter((e) => e.kind === 'reports').flatMap((e) => e.streams));
      // top pins: one request per sort metric (IMPRESSION by default) over the whole period
      for (const name of ['top_pins', 'top_video_pins']) {
        const r = await c.ok(`/user_account/analytics/${name}`, {
          start_date: start,
          end_date: end,
          sort_by: 'IMPRESSION',
          num_of_pins: 50,
        });
        for (const p of r.pins)
          got[name].push({
            pin_id: p.pin_id,
            sort_by: 'IMPRESSION',
            start_date: start,
            end_date: end,
            data_status: p.data_status,
            ...lower(p.metrics),
          });
      }

      // the lists come in the order the API serves them
      for (const name of ENDPOINTS.filter((e) => !e.analytics && e.kind !== 'reports').flatMap((e) => e.streams)) {
        expect([name, got[name]]).toEqual([name, gt.records[name]]);
      }
      for (const name of STREAM_NAMES) {
        if (reportOnly.has(name)) continue;
        expect([name, got[name].length]).toEqual([name, gt.counts[name]]);
        expect([name, canon(got[name])]).toEqual([name, canon(gt.records[name])]);
        expect(gt.records[name].length).toBeGreaterThan(0);
      }
      expect(refused.sort()).toEqual(gt.refusedPins.map((p) => p.pinId).sort());
      expect(gt.records.pin_analytics.some((r) => r.data_status === 'BEFORE_PIN_CREATED')).toBe(true);

      // requests made = minRequests (plus set-up)
      const byStream = new Map<string, number>();
      for (const r of sim.requestLog) {
        const sname = streamOfRequest(r.method, r.path) ?? 'setup';
        byStream.set(sname, (byStream.get(sname) ?? 0) + 1);
      }
      const lookupRequests = lookups.reduce((a, b) => a + b, 0);
      for (const name of STREAM_NAMES) {
        if (name === 'ad_analytics' || name === 'ad_analytics_daily') continue;
        // the board sections are listed once more to find the section pins' partitions
        const extra = name === sectionRow.streams[0] ? lookupRequests : 0;
        expect([name, (byStream.get(name) ?? 0) - extra]).toEqual([name, gt.minRequests[name]]);
      }
      expect(byStream.get('ad_analytics|ad_analytics_daily')).toBe(
        gt.minRequests.ad_analytics + gt.minRequests.ad_analytics_daily,
      );
      expect(byStream.get('setup')).toBe(
        gt.setupRequests.userAccount + gt.setupRequests.adAccountsList + gt.setupRequests.metricsReady,
      );
      expect(gt.minRequests.campaign_targeting_analytics).toBe(2 * gt.minRequests.campaign_analytics); // 15 types → 2 groups
      expect(sim.requestLog.every((r) => r.status === 200 || streamForPath(r.path) === 'pin_analytics')).toBe(true);

      const reports = await readReportOnlyStreams(sim, c.token, accounts, columns, got);
      for (const name of reportOnly) {
        for (const r of got[name]) r.data_ready = String(r.date) <= lastReady;
        expect([name, canon(got[name])]).toEqual([name, canon(gt.records[name])]);
        expect([name, gt.minRequests[name]]).toEqual([name, 0]);
      }
      expect(reports).toBe([...reportOnly].reduce((n, name) => n + gt.minReports[name], 0));
      // An ad account without keyword or shopping campaigns has none of their rows.
      const accountsWithRows = new Set([...reportOnly].flatMap((n) => gt.records[n].map((r) => r.ad_account_id)));
      expect(accountsWithRows.size).toBeGreaterThan(0);
      expect(accountsWithRows.size).toBeLessThan(accounts.length);
    });

    test('ground truth honours start/end dates, ad accounts and statuses', () => {
      const acc = sim.data.adAccounts[1].id;
      const gt = sim.groundTruth({
        columns: ['TOTAL_IMPRESSION'],
        adAccountIds: [acc],
        entityStatuses: ['ACTIVE'],
        startDate: '2020-01-01',
        endDate: day(-10),
        windowDays: 15,
      });
      expect(gt.dateRange).toMatchObject({ start: day(-89), end: day(-10), dailyEnd: day(-10), days: 80 });
      expect(gt.records.campaigns.every((r: any) => r.status === 'ACTIVE' && r.ad_account_id === acc)).toBe(true);
      expect(gt.records.ad_analytics.every((r: any) => r.date <= day(-10) && r.ad_account_id === acc)).toBe(true);
      expect(gt.records.user_account_analytics).toHaveLength(80);
      expect(gt.minRequests.user_account_analytics).toBe(6);
      expect(gt.setupRequests).toMatchObject({ adAccountsList: 0, adAccountGets: 1 });
      const counts = sim.groundTruth({ columns: ['TOTAL_IMPRESSION'], countsOnly: true });
      expect(counts.records.ads).toEqual([]);
      expect(counts.counts.ads).toBeGreaterThan(250);
    });
  });

  describe('OpenAPI conformance', () => {
    test('every endpoint, including all columns and pin_metrics, matches the 200 schema', async () => {
      const v = validator();
      v.covered.clear();
      const cl = new Client(sim);
      await cl.login();
      const a = sim.data.adAccounts[2].id; // JPY account
      const user = await cl.ok('/user_account');
      await cl.ok('/ad_accounts');
      await cl.ok(`/ad_accounts/${a}`);
      await cl.ok('/boards', { page_size: 250 });
      await cl.ok('/pins', { page_size: 250 });
      await cl.ok('/pins', { pin_metrics: 'true', include_protected_pins: 'true', page_size: 250 });
      await cl.ok('/user_account/followers', { page_size: 250 });
      await cl.ok(`/users/${user.username}/interests/follow`, { page_size: 250 });
      const all = 'ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT';
      await cl.ok(`/ad_accounts/${acc0}/campaigns`, { page_size: 250, entity_statuses: all });
      await cl.ok(`/ad_accounts/${acc0}/ad_groups`, { page_size: 250, entity_statuses: all });
      await cl.ok(`/ad_accounts/${acc0}/ads`, { page_size: 250, entity_statuses: all });
      const allColumns = ANALYTICS_COLUMNS.join(',');
      const win = { start_date: day(-89), end_date: day(0), granularity: 'DAY', columns: allColumns };
      const ids = {
        campaign_ids: sim.data.campaigns
          .get(a)!
          .map((e) => e.id)
          .join(','),
        ad_group_ids: sim.data.adGroups
          .get(a)!
          .map((e) => e.id)
          .join(','),
        ad_ids: sim.data.ads
          .get(a)!
          .map((e) => e.id)
          .join(','),
      };
      await cl.ok(`/ad_accounts/${a}/analytics`, win);
      await cl.ok(`/ad_accounts/${a}/campaigns/analytics`, { ...win, campaign_ids: ids.campaign_ids });
      await cl.ok(`/ad_accounts/${a}/campaigns/analytics`, {
        ...win,
        granularity: 'TOTAL',
        campaign_ids: ids.campaign_ids,
      });
      await cl.ok(`/ad_accounts/${a}/ad_groups/analytics`, { ...win, ad_group_ids: ids.ad_group_ids });
      await cl.ok(`/ad_accounts/${a}/ad_groups/analytics`, {
        ...win,
        granularity: 'WEEK',
        ad_group_ids: ids.ad_group_ids,
      });
      await cl.ok(`/ad_accounts/${a}/ads/analytics`, { ...win, ad_ids: ids.ad_ids });
      const promotions = sim.groundTruth({ today: TODAY, columns: [] }).records.product_group_promotions;
      // The first account runs shopping campaigns (the JPY one may not): its product groups.
      await cl.ok(`/ad_accounts/${acc0}/product_groups/analytics`, {
        ...win,
        product_group_ids: promotions
          .filter((p) => p.ad_account_id === acc0)
          .slice(0, 250)
          .map((p) => String(p.id))
          .join(','),
      });
      await cl.ok(`/ad_accounts/${a}/campaigns/targeting_analytics`, {
        ...win,
        campaign_ids: ids.campaign_ids,
        targeting_types: CAMPAIGN_TARGETING_TYPES.slice(0, 14).join(','),
      });
      await cl.ok(`/ad_accounts/${a}/ad_groups/targeting_analytics`, {
        ...win,
        ad_group_ids: ids.ad_group_ids,
        targeting_types: AD_GROUP_TARGETING_TYPES.join(','),
      });
      await cl.ok(`/ad_accounts/${a}/ads/targeting_analytics`, {
        ...win,
        ad_ids: ids.ad_ids,
        targeting_types: AD_TARGETING_TYPES.join(','),
      });
      const video = sim.data.pins.find((p) => p.owned && !p.refuse && p.video)!;
      const fresh = sim.data.pins.find((p) => p.owned && !p.refuse && p.createdDay > sim.data.todayDay - 60)!;
      for (const pin of [video, fresh]) {
        await cl.ok(`/pins/${pin.id}/analytics`, {
          start_date: day(-89),
          end_date: day(0),
          metric_types: 'IMPRESSION,VIDEO_START,VIDEO_AVG_WATCH_TIME,QUARTILE_95_PERCENT_VIEW,TOTAL_COMMENTS,SAVE_RATE',
        });
      }
      await cl.ok('/pins/analytics', {
        start_date: day(-89),
        end_date: day(0),
        pin_ids: `${video.id},${fresh.id}`,
        metric_types: 'IMPRESSION,VIDEO_START,VIDEO_AVG_WATCH_TIME,QUARTILE_95_PERCENT_VIEW,TOTAL_COMMENTS,SAVE_RATE',
      });
      await cl.ok('/user_account/analytics', { start_date: day(-89), end_date: day(0) });
      await cl.ok('/user_account/analytics', {
        start_date: day(-9),
        end_date: day(0),
        content_type: 'ORGANIC',
        split_field: 'APP_TYPE',
      });
      await cl.ok('/user_account/analytics/top_pins', { start_date: day(-89), end_date: day(0), sort_by: 'SAVE' });
      await cl.ok('/user_account/analytics/top_video_pins', {
        start_date: day(-89),
        end_date: day(0),
        sort_by: 'VIDEO_START',
        num_of_pins: 50,
        content_type: 'PAID',
      });
      await cl.ok(`/ad_accounts/${a}/analytics`, win);
      await cl.ok(`/ad_accounts/${a}/targeting_analytics`, {
        ...win,
        targeting_types: AD_ACCOUNT_TARGETING_TYPES.join(','),
      });
      await cl.ok(`/ad_accounts/${acc0}/keywords`, { page_size: 250, ad_group_ids: ids.ad_group_ids });
      const [boardId, sections] = [...sim.data.accountLists.sections].find(([, list]) => list.length > 0)!;
      await cl.ok(`/boards/${boardId}/pins`, { page_size: 250, pin_metrics: 'true' });
      // every plain list of the table, for a partition that has items
      const parent = { ad_account_id: acc0, board_id: boardId, section_id: String(sections[0].id) };
      const readStatuses = new Set(['ACTIVE', 'PAUSED', 'ARCHIVED']);
      for (const e of ENDPOINTS.filter((row) => row.list)) {
        // A list that a full read asks per filter (promotions per ad group) is asked with the first of them.
        const first = Object.fromEntries(e.list!.readQueries?.(sim.data, acc0, readStatuses)[0] ?? []);
        const items = await cl.ok(fill(e.path, parent), e.list!.paged === false ? first : { ...first, page_size: 250 });
        expect([e.path, items.items.length > 0]).toEqual([e.path, true]);
      }
      for (const type of AUDIENCE_INSIGHT_TYPES)
        await cl.ok(`/ad_accounts/${acc0}/audience_insights`, { audience_insight_type: type });
      for (const type of TARGETING_OPTION_TYPES) await cl.ok(`/resources/targeting/${type}`, { ad_account_id: acc0 });
      await cl.ok('/resources/metrics_ready_state', { date: day(-1) });
      await cl.ok('/resources/metrics_ready_state', { date: day(-30) });
      const missing = OPERATIONS.filter((op) => !v.covered.has(op));
      expect(missing).toEqual([]);
    });
  });

  test('the OpenAPI validator is not vacuous', () => {
    const v = validator();
    expect(() =>
      v.check('GET /ad_accounts/{ad_account_id}/campaigns', {
        items: [{ id: '1', status: 'RUNNING' }],
        bookmark: null,
      }),
    ).toThrow();
    expect(() =>
      v.check('GET /pins', { items: [{ id: '1', media: { media_type: 'hologram' } }], bookmark: null }),
    ).toThrow();
    expect(() => v.check('GET /ad_accounts', { items: [{ id: '1', currency: null }], bookmark: null })).toThrow();
    expect(() => v.check('GET /ad_accounts/{ad_account_id}/ads/analytics', [{ DATE: '2026-01-01' }])).toThrow(); // AD_ID required
    expect(() => v.check('GET /boards', { items: [], bookmark: 5 })).toThrow();
    v.check('GET /ad_accounts', { items: [{ id: '1', created_time: null }], bookmark: null }); // nullable
  });

  test('ByteWriter writes numbers that parse back to the same doubles', () => {
    const w = new ByteWriter(64);
    const expected: number[] = [];
    w.byte(0x5b);
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 5000; i++) {
      if (i) w.byte(0x2c);
      const d = [0, 2, 3, 6][i % 4];
      const raw = i < 20 ? i * 7 : Math.floor(rnd() * 10 ** (1 + (i % 12)));
      w.dec(raw, d);
      expected.push(d === 0 ? raw : raw / 10 ** d);
    }
    w.byte(0x5d);
    const text = w.result().toString('utf8');
    expect(JSON.parse(text)).toEqual(expected);
    expect(text).toBe(JSON.stringify(expected));
  });

  test('SIZES presets are exported and ordered', () => {
    const total = (s: object) => {
      const k = s as typeof SIZES.S;
      return k.adAccounts * k.campaignsPerAccount * k.adGroupsPerCampaign * k.adsPerAdGroup;
    };
    expect(total(SIZES.S)).toBeLessThan(total(SIZES.M));
    expect(total(SIZES.M)).toBeLessThan(total(SIZES.L));
    const opts: SimulatorOptions = { size: SIZES.S };
    expect(opts.size).toBeDefined();
  });
});
