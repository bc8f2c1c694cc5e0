import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { configError } from '../errors';
import { parseJsonExact } from '../http/json-exact';
import { ConfigSchema, type ConnectorConfig } from './schema';

/** Reads a JSON file named on the command line; any failure is the user's to fix (config_error). */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const full = resolve(process.cwd(), path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw configError(`Cannot read the ${what} file ${path}: ${code === 'ENOENT' ? 'it does not exist' : code ?? String(err)}.`);
  }
  // Editors on Windows save UTF-8 with a byte-order mark; it is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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
function withoutExcerpt(message: string): string {
  return message.replace(/,?\s*(\.\.\.)?".*"(\.\.\.)?\s*is not valid JSON$/s, '').replace(/^Unexpected token '.*?'/s, 'Unexpected token');
}

/** Issues quoted in one message; a huge invalid file gets a short error that says how many more there are. */
const MAX_ISSUES_SHOWN = 10;

export function formatIssues(issues: z.core.$ZodIssue[], root = 'config'): string {
  const more = issues.length > MAX_ISSUES_SHOWN ? `; and ${issues.length - MAX_ISSUES_SHOWN} more problem(s)` : '';
  return issues
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
    .join('; ') + more;
}

/** Validates a parsed config; the error message names every field that is wrong and how. */
export function parseConfig(raw: unknown): ConnectorConfig {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError('The config must be a JSON object.');
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw configError(`Invalid config: ${formatIssues(result.error.issues)}.`);
  const config = result.data;
  checkCredentialCharacters(config);
  if (config.start_date && config.end_date && config.end_date < config.start_date) {
    throw configError(`Invalid config: 'end_date' (${config.end_date}) is before 'start_date' (${config.start_date}).`);
  }
  return config;
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
      throw configError(`Invalid config: 'credentials.${field}' contains ${what} (U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) at position ${bad.index + 1}; copy the value again without it.`);
    }
  }
}

export async function loadConfig(path: string): Promise<{ config: ConnectorConfig; raw: Record<string, unknown> }> {
  const raw = await readJsonFile(path, 'config');
  const config = parseConfig(raw);
  return { config, raw: raw as Record<string, unknown> };
}
