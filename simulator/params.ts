// Query parameters, read and checked as the API checks them (repeated keys, enums, booleans, id lists).
import { bad, ApiError, MESSAGES } from './answers';
import type { AdAccountMeta, Dataset } from './types';

export class Query {
  constructor(private sp: URLSearchParams) {}
  has(name: string): boolean {
    return this.sp.has(name) || this.sp.has(name + '[]');
  }
  one(name: string): string | undefined {
    const v = this.sp.get(name);
    return v === null ? undefined : v;
  }
  /** All values of a repeated key or of `name[]`, each split on commas; undefined when absent. */
  list(name: string): string[] | undefined {
    if (!this.has(name)) return undefined;
    const raw = [...this.sp.getAll(name), ...this.sp.getAll(name + '[]')];
    const out: string[] = [];
    for (const v of raw) for (const part of v.split(',')) if (part.trim() !== '') out.push(part.trim());
    return out;
  }
  record(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of this.sp) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[k] = [prev, v];
    }
    return out;
  }
}

export function enumParam(q: Query, name: string, allowed: readonly (string | number)[]): string | undefined {
  const v = q.one(name);
  if (v === undefined) return undefined;
  if (!allowed.map(String).includes(v))
    throw bad(`Invalid parameter ${name}: '${v}' is not one of ${allowed.join(', ')}`);
  return v;
}

export function boolParam(q: Query, name: string): boolean | undefined {
  const v = q.one(name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw bad(`Invalid parameter ${name}: '${v}' is not a boolean`);
  return v === 'true';
}

export function idList(q: Query, name: string, required: boolean, max = 250, maxLength = 0): string[] | undefined {
  const v = q.list(name);
  if (v === undefined) {
    if (required) throw bad(`Missing required parameter: ${name}`);
    return undefined;
  }
  if (v.length === 0) throw bad(`Invalid parameter ${name}: at least 1 item is required`);
  if (v.length > max) throw bad(`Invalid parameter ${name}: at most ${max} items are allowed, got ${v.length}`);
  for (const id of v) {
    if (!/^\d+$/.test(id)) throw bad(`Invalid parameter ${name}: '${id}' does not match ^\\d+$`);
    if (maxLength && id.length > maxLength)
      throw bad(`Invalid parameter ${name}: '${id}' is longer than ${maxLength} characters`);
  }
  return v;
}

/** The ad account named in a path or parameter: a malformed id is a 400, an unknown one a 403, as on the API. */
export function adAccountOf(ds: Dataset, id: string): AdAccountMeta {
  if (!/^\d+$/.test(id) || id.length > 18) throw bad(`Invalid ad_account_id: '${id}'`);
  const acc = ds.adAccountById.get(id);
  if (!acc) throw new ApiError(403, 29, MESSAGES.adAccountForbidden);
  return acc;
}
