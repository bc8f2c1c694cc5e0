import { ConnectorError } from '../errors';

/** Fills {ad_account_id}, {pin_id}, {username} from the partition; ids are checked before they enter a URL. */
export function fillPath(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new Error(`path ${template} needs ${name}`);
    if (name.endsWith('_id')) checkId(template, name, value);
    // encodeURIComponent keeps '.' and '..', which a URL resolves as path segments (/users/../x is /x).
    if (value === '.' || value === '..') {
      throw new ConnectorError(
        `Refusing to request ${template}: ${name} ${JSON.stringify(value)} is not a valid path segment.`,
        'config_error',
      );
    }
    return encodeURIComponent(value);
  });
}

/** An id from an answer, before it enters a request for `template` (path or query). */
export function checkId(template: string, name: string, value: string): void {
  if (!/^\d{1,20}$/.test(value)) {
    throw new ConnectorError(
      `Refusing to request ${template}: ${name} ${JSON.stringify(value)} is not a numeric id.`,
      'config_error',
    );
  }
}
