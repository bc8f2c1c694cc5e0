/**
 * The one assertion every hostile test makes about secrets: no secret, and no fragment of one longer than
 * 4 characters at its start or end (what a cut through it leaves), appears in any message but CONTROL, in
 * stderr, or in a page shown to a browser — in any spelling (raw, URL- or form-encoded, JSON-escaped).
 */
import { spellingsOf } from '../src/util/secrets';

/** Shortest fragment that counts as a leak: five characters. */
const FRAGMENT = 5;

/** Each fragment of each secret found in `text`, with the secret's first characters to say which it was. */
function secretFragmentsIn(text: string, secrets: Iterable<string | undefined>): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    if (!secret || secret.length < FRAGMENT) continue;
    for (const spelling of spellingsOf(secret)) {
      for (const fragment of [spelling.slice(0, FRAGMENT), spelling.slice(-FRAGMENT)]) {
        if (text.includes(fragment))
          found.push(`${JSON.stringify(fragment)} of the secret starting ${JSON.stringify(secret.slice(0, 3))}`);
      }
    }
  }
  return [...new Set(found)];
}

/** Stdout without its CONTROL messages (the one message that carries a credential on purpose). */
function withoutControl(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => {
      try {
        return (JSON.parse(line) as { type?: unknown }).type !== 'CONTROL';
      } catch {
        return true;
      }
    })
    .join('\n');
}

/** Fails naming each output (`stdout`, `stderr`, `page` …) that holds a fragment of a secret. */
export function expectNoSecrets(
  outputs: Record<string, string | undefined>,
  secrets: Iterable<string | undefined>,
): void {
  const list = [...secrets];
  const leaks: Record<string, string[]> = {};
  for (const [where, text] of Object.entries(outputs)) {
    const found = secretFragmentsIn(where === 'stdout' ? withoutControl(text ?? '') : (text ?? ''), list);
    if (found.length) leaks[where] = found;
  }
  expect(leaks).toEqual({});
}
