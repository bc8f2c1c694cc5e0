/**
 * Keys the config schema does not know are ignored (docs/contract.md §2), but a misspelled option silently falling
 * back to its default is the worst kind of ignored: each unknown key gets a warning naming the nearest known
 * key. Keys starting with `_` are notes and stay silent.
 */
import { nearestKey } from '../util/nearest';
import { AccessTokenCredentials, ConfigSchema, OAuthCredentials } from './schema';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const TOP_LEVEL_KEYS = Object.keys(ConfigSchema.shape);
const CREDENTIAL_KEYS = [...new Set([...Object.keys(OAuthCredentials.shape), ...Object.keys(AccessTokenCredentials.shape)])];

function warningsFor(raw: Record<string, unknown>, known: readonly string[], prefix: string): string[] {
  return Object.keys(raw)
    .filter((key) => !key.startsWith('_') && !known.includes(key))
    .map((key) => {
      const near = nearestKey(key, known);
      return `Unknown config key '${prefix}${key}' is ignored${near ? `: did you mean '${prefix}${near}'?` : ' (the README lists the options; start a key with _ to keep a note silently).'}`;
    });
}

/** One warning per unknown key of the config and of its credentials object. */
export function unknownKeyWarnings(raw: unknown): string[] {
  if (!isObject(raw)) return [];
  const out = warningsFor(raw, TOP_LEVEL_KEYS, '');
  if (isObject(raw.credentials)) out.push(...warningsFor(raw.credentials, CREDENTIAL_KEYS, 'credentials.'));
  return out;
}
