import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { configError, ConnectorError } from '../errors';
import { parseJsonExact } from '../http/json-exact';
import { unknownKeyWarnings } from './unknown-keys';
import { defaultLookbackDays } from './attribution';
import { ConfigSchema, type ConnectorConfig } from './schema';
import { SecretMask } from '../util/secrets';
import { daysBetween, isDay, type Day } from '../util/dates';

/** Reads a file named on the command line; any failure is the user's to fix (config_error). */
export async function readTextFile(path: string, what: string): Promise<string> {
  const full = resolve(process.cwd(), path);
  try {
    const text = await readFile(full, 'utf8');
    // Editors on Windows save UTF-8 with a byte-order mark; it is not part of the JSON.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR')
      throw configError(
        `The ${what} path ${path} is a folder, not a file: name the JSON file inside it (for example ${join(path, `${what}.json`)}).`,
      );
    if (code === 'EACCES') {
      // In Docker the container's user is often not the file's owner.
      throw configError(
        `Cannot read the ${what} file ${path}: permission denied (EACCES). Make it readable by the user running the connector; with docker run, add --user "$(id -u):$(id -g)" so the container runs as the file's owner.`,
      );
    }
    throw configError(
      `Cannot read the ${what} file ${path}: ${code === 'ENOENT' ? 'it does not exist' : (code ?? String(err))}.`,
    );
  }
}

/** Reads a JSON file named on the command line; any failure is the user's to fix (config_error). */
async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readTextFile(path, what);
  if (text.trim() === '') return undefined;
  try {
    return parseJsonExact(text);
  } catch (err) {
    throw configError(`The ${what} file ${path} is not valid JSON: ${withoutExcerpt((err as Error).message)}.`);
  }
}

/**
 * JSON.parse's message without the excerpt of the text it quotes (`Unexpected token 'p', ..."n": pina_abc"...
 * is not valid JSON`): a config file holds secrets, and an unquoted token would be shown in the error.
 */
export function withoutExcerpt(message: string): string {
  return message
    .replace(/,?\s*(\.\.\.)?".*"(\.\.\.)?\s*is not valid JSON$/s, '')
    .replace(/^Unexpected token '.*?'/s, 'Unexpected token');
}

/** Issues quoted in one message; a huge invalid file gets a short error that says how many more there are. */
const MAX_ISSUES_SHOWN = 10;

function formatIssues(issues: z.core.$ZodIssue[], root = 'config'): string {
  const more = issues.length > MAX_ISSUES_SHOWN ? `; and ${issues.length - MAX_ISSUES_SHOWN} more problem(s)` : '';
  return (
    issues
      .slice(0, MAX_ISSUES_SHOWN)
      .map((issue) => {
        const path = issue.path.length ? issue.path.map(String).join('.') : root;
        let message = issue.message;
        if (issue.code === 'invalid_union' && 'discriminator' in issue) {
          message = `must be one of ${JSON.stringify((issue as { options?: unknown[] }).options ?? [])}`;
        } else if (issue.code === 'invalid_type' && /received undefined/.test(message)) {
          message = 'is required';
        }
        return `'${path}' ${message}`;
      })
      .join('; ') + more
  );
}

/** What the date rules compare with: today, and the earliest day any stream reaches. */
export interface ConfigDates {
  today: Day;
  earliest: Day;
}

/**
 * Validates a parsed config; the error message names every field that is wrong and how, all at once (a fix
 * of one field must not reveal the next problem only on the next run). With `dates`, the rules that need
 * today are checked too.
 */
export function parseConfig(raw: unknown, dates?: ConfigDates): ConnectorConfig {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError('The config must be a JSON object.');
  }
  const result = ConfigSchema.safeParse(raw);
  const problems: string[] = result.success ? [] : [formatIssues(result.error.issues)];
  problems.push(...dateProblems(raw as Record<string, unknown>, dates));
  if (!result.success || problems.length)
    throw configError(withoutCredentialValues(`Invalid config: ${problems.join('; ')}.`, raw));
  const config: ConnectorConfig = {
    ...result.data,
    lookback_days: result.data.lookback_days ?? defaultLookbackDays(result.data),
  };
  checkCredentialCharacters(config);
  return config;
}

/** A validation message never quotes a credential, whatever a rule's message might say about its value. */
function withoutCredentialValues(message: string, raw: object): string {
  const credentials = (raw as { credentials?: unknown }).credentials;
  if (!credentials || typeof credentials !== 'object') return message;
  const mask = new SecretMask();
  for (const [field, value] of Object.entries(credentials))
    if (field !== 'client_id' && field !== 'auth_method' && typeof value === 'string') mask.add(value);
  return mask.mask(message);
}

/**
 * The date rules between fields and against today, on the raw values that are days (a malformed one is
 * already named by the schema). A start after today would be a silent empty sync; an end older than any
 * stream reaches can never be read.
 */
function dateProblems(raw: Record<string, unknown>, dates: ConfigDates | undefined): string[] {
  const out: string[] = [];
  const day = (v: unknown): Day | undefined => (isDay(v) ? v : undefined);
  const start = day(raw.start_date);
  const end = day(raw.end_date);
  if (start && end && end < start) out.push(`'end_date' (${end}) is before 'start_date' (${start})`);
  if (!dates) return out;
  if (start && start > dates.today)
    out.push(`'start_date' ${start} is after today (${dates.today}): nothing could be read; set a day up to today`);
  if (end && end < dates.earliest) {
    out.push(
      `'end_date' ${end} is older than the ${daysBetween(dates.earliest, dates.today) + 1} days Pinterest's reports serve (the earliest day is ${dates.earliest})`,
    );
  }
  if (Array.isArray(raw.custom_reports)) {
    raw.custom_reports.forEach((report, i) => {
      const reportStart = day((report as Record<string, unknown> | null)?.start_date);
      if (reportStart && reportStart > dates.today)
        out.push(
          `'custom_reports.${i}.start_date' ${reportStart} is after today (${dates.today}): nothing could be read`,
        );
    });
  }
  return out;
}

/**
 * Credentials go into HTTP headers and forms: a control character (a pasted newline) or a character beyond
 * Latin-1 can never be sent, and would look like an outage at Pinterest after six retries. Named, not shown.
 */
function checkCredentialCharacters(config: ConnectorConfig): void {
  for (const [field, value] of Object.entries(config.credentials)) {
    if (field === 'auth_method' || typeof value !== 'string') continue;
    const bad = /[\u0000-\u001f\u007f]|[^\u0000-\u00ff]/.exec(value);
    if (bad) {
      const what = bad[0].charCodeAt(0) <= 0x7f ? 'a control character' : 'a character outside Latin-1';
      throw configError(
        `Invalid config: 'credentials.${field}' contains ${what} (U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) at position ${bad.index + 1}; copy the value again without it.`,
      );
    }
  }
}

/**
 * Reads and validates the config file. Unknown (likely misspelled) keys are reported to `warn`; when the config
 * is refused, they are named in the error too, since a misspelled key is often why a field is missing.
 */
export async function loadConfig(
  path: string,
  warn?: (message: string) => void,
  dates?: ConfigDates,
): Promise<{ config: ConnectorConfig; raw: Record<string, unknown> }> {
  const raw = await readJsonFile(path, 'config');
  const warnings = unknownKeyWarnings(raw);
  let config: ConnectorConfig;
  try {
    config = parseConfig(raw, dates);
  } catch (err) {
    if (warnings.length && err instanceof ConnectorError) throw configError(`${err.message} ${warnings.join(' ')}`);
    throw err;
  }
  for (const w of warnings) warn?.(w);
  return { config, raw: raw as Record<string, unknown> };
}
