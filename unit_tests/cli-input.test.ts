/**
 * Inputs as people make them: misspelled config keys (a warning naming the nearest known key), state files that
 * are a previous read's output (JSON lines, the last state per stream wins), and catalog or state files that
 * are something else, named for what they look like.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError } from '../src/errors';
import { loadConfig } from '../src/config/load';
import { unknownKeyWarnings } from '../src/config/unknown-keys';
import { editDistance, nearestKey } from '../src/util/nearest';
import { selectStreams, discoverCatalog } from '../src/engine/catalog';
import { streamRegistry } from '../src/streams/registry';
import { readCatalogFile, stateFromText } from '../src/engine/input-files';
import { parseInputState } from '../src/engine/state';

const dir = mkdtempSync(join(tmpdir(), 'source-pinterest-cli-input-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const CREDS = { auth_method: 'access_token', access_token: 'pina_test_token_1234' };

/** The message of the config_error `fn` throws. */
function configErrorOf(fn: () => unknown): string {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown instanceof ConnectorError && thrown.failureType).toBe('config_error');
  return (thrown as Error).message;
}

describe('misspelled config keys', () => {
  test('edit distance counts insertions, deletions, substitutions and neighbour swaps as one', () => {
    expect(editDistance('start_data', 'start_date')).toBe(1);
    expect(editDistance('strat_date', 'start_date')).toBe(1);
    expect(editDistance('window_day', 'window_days')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  test('the nearest known key, only when it is close', () => {
    const known = ['start_date', 'end_date', 'window_days', 'lookback_days'];
    expect(nearestKey('start_data', known)).toBe('start_date');
    expect(nearestKey('Start_Date', known)).toBe('start_date');
    expect(nearestKey('windows_days', known)).toBe('window_days');
    expect(nearestKey('comment', known)).toBeUndefined();
  });

  test('one warning per unknown key, with the nearest key; _keys and known keys are silent', () => {
    expect(
      unknownKeyWarnings({
        credentials: { ...CREDS, acess_token: 'x' },
        start_data: '2026-01-01',
        _note: 'mine',
        window_days: 30,
        zzz: 1,
      }),
    ).toEqual([
      "Unknown config key 'start_data' is ignored: did you mean 'start_date'?",
      "Unknown config key 'zzz' is ignored (the README lists the options; start a key with _ to keep a note silently).",
      "Unknown config key 'credentials.acess_token' is ignored: did you mean 'credentials.access_token'?",
    ]);
    expect(unknownKeyWarnings({ credentials: CREDS, start_date: '2026-01-01', _comment: 'x' })).toEqual([]);
  });

  test('loadConfig warns and still loads; a refused config names the misspelled key in its error', async () => {
    const warnings: string[] = [];
    const { config } = await loadConfig(
      file('typo.json', JSON.stringify({ credentials: CREDS, start_data: '2026-05-01' })),
      (w) => warnings.push(w),
    );
    expect(config.start_date).toBeUndefined();
    expect(warnings).toEqual(["Unknown config key 'start_data' is ignored: did you mean 'start_date'?"]);
    await expect(loadConfig(file('no-creds.json', JSON.stringify({ credential: CREDS })))).rejects.toThrow(
      /'credentials' is required\. Unknown config key 'credential' is ignored: did you mean 'credentials'\?/,
    );
  });

  test('a folder passed as the config is named as a folder', async () => {
    await expect(loadConfig(dir)).rejects.toThrow(`The config path ${dir} is a folder, not a file`);
  });
});

const stateLine = (name: string, date: string) =>
  JSON.stringify({
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name }, stream_state: { date } },
      sourceStats: { recordCount: 1 },
    },
  });
const recordLine = JSON.stringify({
  type: 'RECORD',
  record: { stream: 'campaign_analytics', data: { date: '2026-06-01' }, emitted_at: 1 },
});
const logLine = JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'hi' } });

describe('state files', () => {
  test("a read's whole output (JSON lines): STATE lines are taken in order, the last per stream wins, the rest skipped", () => {
    const text = [
      logLine,
      recordLine,
      stateLine('campaign_analytics', '2026-06-01'),
      stateLine('ad_analytics', '2026-06-10'),
      recordLine,
      stateLine('campaign_analytics', '2026-06-20'),
      '',
    ].join('\n');
    expect(Object.fromEntries(parseInputState(stateFromText(text, 'out.jsonl')))).toEqual({
      campaign_analytics: { date: '2026-06-20' },
      ad_analytics: { date: '2026-06-10' },
    });
  });

  test("a killed read's output: a torn last line (no newline after it) is left out, the states before it stand", () => {
    const text = [stateLine('ad_analytics', '2026-06-10'), recordLine, '{"type":"STATE","state":{"type":"STR'].join(
      '\n',
    );
    expect(Object.fromEntries(parseInputState(stateFromText(text, 'out.jsonl')))).toEqual({
      ad_analytics: { date: '2026-06-10' },
    });
  });

  test('one STATE message, or a list of them, is read as its state', () => {
    expect(
      Object.fromEntries(parseInputState(stateFromText(stateLine('ad_analytics', '2026-06-10'), 's.json'))),
    ).toEqual({ ad_analytics: { date: '2026-06-10' } });
    const list = `[${stateLine('ad_analytics', '2026-06-10')},${stateLine('ad_analytics', '2026-06-12')}]`;
    expect(Object.fromEntries(parseInputState(stateFromText(list, 's.json')))).toEqual({
      ad_analytics: { date: '2026-06-12' },
    });
  });

  test('the usual shapes still pass through unchanged', () => {
    const perStream = [
      { type: 'STREAM', stream: { stream_descriptor: { name: 'ad_analytics' }, stream_state: { date: '2026-06-01' } } },
    ];
    expect(stateFromText(JSON.stringify(perStream), 's.json')).toEqual(perStream);
    expect(stateFromText('{"ad_analytics": {"date": "2026-06-01"}}', 's.json')).toEqual({
      ad_analytics: { date: '2026-06-01' },
    });
    expect(stateFromText('  \n', 's.json')).toBeUndefined();
  });

  test.each([
    ['a config', JSON.stringify({ credentials: CREDS, start_date: '2026-05-01' }), /looks like a config, not a state/],
    [
      'a CATALOG message',
      JSON.stringify({ type: 'CATALOG', catalog: discoverCatalog(streamRegistry()) }),
      /looks like a CATALOG message \(discover's output\), not a state/,
    ],
    [
      'a configured catalog',
      JSON.stringify({ streams: [{ stream: { name: 'boards' }, sync_mode: 'full_refresh' }] }),
      /looks like a configured catalog, not a state/,
    ],
    ['a RECORD line', recordLine, /looks like a RECORD message/],
    [
      'output without any STATE',
      [logLine, recordLine].join('\n'),
      /holds 2 JSON lines \(Airbyte messages: LOG ×1, RECORD ×1\) and no STATE message/,
    ],
    [
      'JSON lines with a broken line',
      [stateLine('boards', '2026-01-01'), '{"type": "STA', stateLine('boards', '2026-01-02')].join('\n'),
      /neither JSON nor JSON lines: line 2/,
    ],
  ])('%s is refused, named for what it looks like', (_name, text, message) => {
    expect(configErrorOf(() => stateFromText(text, 'state.json'))).toMatch(message);
  });
});

describe('catalog files', () => {
  test.each([
    [
      'the discovered catalog',
      discoverCatalog(streamRegistry()),
      /looks like a discovered catalog .* not a configured catalog/,
    ],
    [
      "discover's CATALOG message",
      { type: 'CATALOG', catalog: discoverCatalog(streamRegistry()) },
      /looks like a CATALOG message \(discover's output\), not a configured catalog/,
    ],
    ['a config', { credentials: CREDS }, /looks like a config, not a configured catalog/],
    ['a STATE message', JSON.parse(stateLine('boards', '2026-01-01')), /looks like a STATE message/],
  ])('%s is refused, named, with the shape to use', (_name, value, message) => {
    const text = configErrorOf(() => selectStreams(value, streamRegistry()));
    expect(text).toMatch(message);
    expect(text).toContain('"sync_mode": "full_refresh"');
  });

  test("discover's whole output (JSON lines) is named as a command's output", async () => {
    const path = file(
      'discover.jsonl',
      [logLine, JSON.stringify({ type: 'CATALOG', catalog: discoverCatalog(streamRegistry()) })].join('\n'),
    );
    await expect(readCatalogFile(path)).rejects.toThrow(
      /holds 2 JSON lines \(Airbyte messages: LOG ×1, CATALOG ×1\): the output of a command, not a configured catalog/,
    );
  });

  test('a configured catalog still selects its streams', () => {
    const selected = selectStreams(
      { streams: [{ stream: { name: 'boards' }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] },
      streamRegistry(),
    );
    expect(selected.map((s) => s.def.name)).toEqual(['boards']);
  });
});
