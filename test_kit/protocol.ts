/**
 * Validates Airbyte messages against the official protocol schema (committed as JSON in reference/;
 * AIRBYTE_PROTOCOL_PATH overrides it).
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { PROTOCOL_FIXTURE } from '../reference';

const PROTOCOL_PATH = process.env.AIRBYTE_PROTOCOL_PATH ?? PROTOCOL_FIXTURE;

let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  const doc = parse(readFileSync(PROTOCOL_PATH, 'utf8')) as { definitions: Record<string, unknown> };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // existingJavaType and other extensions are ignored (strict: false); the root is AirbyteMessage.
  return ajv.compile({ ...(doc.definitions.AirbyteMessage as object), definitions: doc.definitions });
}

/** Returns the schema errors of one message, or [] when it is valid. */
export function protocolErrors(message: unknown): string[] {
  validator ??= compile();
  if (validator(message)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Parses stdout lines; every line must be one JSON AirbyteMessage that validates. */
export function parseAndValidate(stdout: string): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    let message: Record<string, any>;
    try {
      message = JSON.parse(line);
    } catch {
      throw new Error(`stdout line is not JSON: ${line.slice(0, 200)}`);
    }
    const errors = protocolErrors(message);
    if (errors.length)
      throw new Error(`stdout line violates the Airbyte protocol (${errors.join('; ')}): ${line.slice(0, 300)}`);
    out.push(message);
  }
  return out;
}
