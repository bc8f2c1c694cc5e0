/**
 * The catalog and state files of `read`, as people make them: a state file may be the STATE lines a previous
 * read printed (JSON lines, or its whole output: the last state per stream wins), and a file that is not what
 * it should be is named for what it looks like ("a config", "discover's output") instead of a bare "invalid".
 */
import { readTextFile, withoutExcerpt } from '../config/load';
import { configError } from '../errors';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const MESSAGE_TYPES = ['RECORD', 'STATE', 'LOG', 'SPEC', 'CONNECTION_STATUS', 'CATALOG', 'TRACE', 'CONTROL'];

export const HOW_TO_CATALOG =
  'A configured catalog is {"streams": [{"stream": <a stream of discover\'s CATALOG>, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}, …]}.';
const HOW_TO_STATE =
  'A state file is the STATE lines a read printed (one JSON message per line, or the whole output of the read), or the list of their "state" objects.';

/** What a parsed JSON file looks like, in words; undefined when it is none of the shapes people mix up. */
export function describeJson(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const types = messageTypes(value);
    return types ? `a list of Airbyte messages (${types})` : undefined;
  }
  if (!isObject(value)) return value === undefined ? 'an empty file' : `a JSON ${typeof value}`;
  if (typeof value.type === 'string' && MESSAGE_TYPES.includes(value.type)) {
    return value.type === 'CATALOG'
      ? "a CATALOG message (discover's output)"
      : `a ${value.type} message (a line of the connector's output)`;
  }
  if ('connectionSpecification' in value) return "the connector's spec";
  if ('credentials' in value) return 'a config';
  if (Array.isArray(value.streams)) {
    const first = value.streams.find(isObject);
    if (first && 'stream' in first) return 'a configured catalog';
    if (first && 'name' in first && 'json_schema' in first)
      return 'a discovered catalog (the "catalog" of discover\'s output), whose streams are not configured';
    return 'a catalog';
  }
  return undefined;
}

/** "RECORD ×3, STATE ×1" when every element is an Airbyte message, else undefined. */
function messageTypes(values: unknown[]): string | undefined {
  if (
    !values.length ||
    !values.every((v) => isObject(v) && typeof v.type === 'string' && MESSAGE_TYPES.includes(v.type))
  )
    return undefined;
  const counts = new Map<string, number>();
  for (const v of values as Array<{ type: string }>) counts.set(v.type, (counts.get(v.type) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${t} ×${n}`).join(', ');
}

type Parsed = { kind: 'json'; value: unknown } | { kind: 'lines'; values: unknown[] } | { kind: 'empty' };

/** One JSON document, or JSON lines (a connector's output); anything else is named as not JSON. */
function parseJsonOrLines(text: string, what: string, path: string): Parsed {
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch (whole) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length > 1) {
      const values: unknown[] = [];
      for (const [i, line] of lines.entries()) {
        try {
          values.push(JSON.parse(line));
        } catch {
          // The output of a killed read may end in a torn line (no newline after it): what came before stands.
          if (i === lines.length - 1 && !/\n\s*$/.test(text)) break;
          throw configError(
            `The ${what} file ${path} is neither JSON nor JSON lines: line ${i + 1} is not valid JSON.`,
          );
        }
      }
      return { kind: 'lines', values };
    }
    throw configError(`The ${what} file ${path} is not valid JSON: ${withoutExcerpt((whole as Error).message)}.`);
  }
}

/** The catalog file, or a config_error that says what the file looks like when it is not a configured catalog. */
export async function readCatalogFile(path: string): Promise<unknown> {
  const parsed = parseJsonOrLines(await readTextFile(path, 'catalog'), 'catalog', path);
  if (parsed.kind === 'lines') {
    throw configError(
      `Invalid catalog: ${path} holds ${parsed.values.length} JSON lines${describeLines(parsed.values)}: the output of a command, not a configured catalog. ${HOW_TO_CATALOG}`,
    );
  }
  return parsed.kind === 'json' ? parsed.value : undefined;
}

/**
 * The state file as the value `parseInputState` takes: JSON lines (or a list) of STATE messages become the
 * list of their `state` objects, in order, so that the last state of each stream wins; other messages in a
 * read's output are skipped.
 */
export async function readStateFile(path: string): Promise<unknown> {
  return stateFromText(await readTextFile(path, 'state'), path);
}

export function stateFromText(text: string, path: string): unknown {
  const parsed = parseJsonOrLines(text, 'state', path);
  if (parsed.kind === 'empty') return undefined;
  if (parsed.kind === 'lines') {
    const states = parsed.values.filter(isStateMessage).map((m) => m.state);
    if (!states.length)
      throw configError(
        `Invalid state: ${path} holds ${parsed.values.length} JSON lines${describeLines(parsed.values)} and no STATE message. ${HOW_TO_STATE}`,
      );
    return states;
  }
  const value = parsed.value;
  if (isStateMessage(value)) return [value.state];
  if (Array.isArray(value) && value.some(isStateMessage)) return value.filter(isStateMessage).map((m) => m.state);
  const looks = describeJson(value);
  if (looks) throw configError(`Invalid state: ${path} looks like ${looks}, not a state. ${HOW_TO_STATE}`);
  return value;
}

const isStateMessage = (v: unknown): v is { type: 'STATE'; state: Record<string, unknown> } =>
  isObject(v) && v.type === 'STATE' && isObject(v.state);

function describeLines(values: unknown[]): string {
  const types = messageTypes(values);
  return types ? ` (Airbyte messages: ${types})` : '';
}
