/**
 * Keys the config schema does not know are ignored (docs/contract.md §2), but a misspelled option silently falling
 * back to its default is the worst kind of ignored: each unknown key gets a warning naming the nearest known
 * key. Keys starting with `_` are notes and stay silent.
 */
import { nearestKey } from '../util/nearest';
import { AccessTokenCredentials, ConfigSchema, OAuthCredentials } from './schema';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const TOP_LEVEL_KEYS = Object.keys(ConfigSchema.shape);
const CREDENTIAL_KEYS = [
  ...new Set([...Object.keys(OAuthCredentials.shape), ...Object.keys(AccessTokenCredentials.shape)]),
];

/** Unknown keys named one by one; past this many, one line counts the rest (a generated config may hold millions). */
const MAX_UNKNOWN_KEY_WARNINGS = 20;

/** Longest key quoted (and compared with the known ones): a key is a name, not a document. */
const MAX_KEY_SHOWN = 80;

const unknownKeys = (raw: Record<string, unknown>, known: readonly string[], prefix: string): string[] =>
  Object.keys(raw)
    .filter((key) => !key.startsWith('_') && !known.includes(key))
    .map((key) => prefix + key);

function warningFor(fullKey: string, known: readonly string[], prefix: string): string {
  const key = fullKey.slice(prefix.length);
  const shown = fullKey.length > MAX_KEY_SHOWN ? `${fullKey.slice(0, MAX_KEY_SHOWN)}…` : fullKey;
  const near = key.length <= MAX_KEY_SHOWN ? nearestKey(key, known) : undefined;
  return `Unknown config key '${shown}' is ignored${near ? `: did you mean '${prefix}${near}'?` : ' (the README lists the options; start a key with _ to keep a note silently).'}`;
}

/** One warning per unknown key of the config and of its credentials object, up to MAX_UNKNOWN_KEY_WARNINGS; then a count. */
export function unknownKeyWarnings(raw: unknown): string[] {
  if (!isObject(raw)) return [];
  const top = unknownKeys(raw, TOP_LEVEL_KEYS, '');
  const credentials = isObject(raw.credentials) ? unknownKeys(raw.credentials, CREDENTIAL_KEYS, 'credentials.') : [];
  const out = [
    ...top.slice(0, MAX_UNKNOWN_KEY_WARNINGS).map((k) => warningFor(k, TOP_LEVEL_KEYS, '')),
    ...credentials
      .slice(0, Math.max(0, MAX_UNKNOWN_KEY_WARNINGS - top.length))
      .map((k) => warningFor(k, CREDENTIAL_KEYS, 'credentials.')),
  ];
  const rest = top.length + credentials.length - out.length;
  if (rest > 0)
    out.push(`${rest} more unknown config key(s) are ignored (only the first ${MAX_UNKNOWN_KEY_WARNINGS} are named).`);
  return out;
}
