/**
 * Tokens are never lost: with a refresh token that Pinterest rotates on every refresh (the simulator's
 * rotateRefreshToken knob), each command that refreshes hands the new token back in a CONTROL message and,
 * with --write-config, in the config file; so the README's sequence check → discover → read → read keeps
 * a working token from the first check on.
 */
import { readFileSync } from 'node:fs';
import { startHarness, type Harness } from '../../test_kit/acceptance';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rotateRefreshToken: true });
});
afterAll(async () => {
  await h?.close();
});

const tokenInFile = (path: string) => JSON.parse(readFileSync(path, 'utf8')).credentials.refresh_token as string;
const catalog = () =>
  h.write('catalog.json', {
    streams: [
      {
        stream: { name: 'boards', json_schema: {}, supported_sync_modes: ['full_refresh'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      },
    ],
  });

test('check, discover and read with --write-config keep the rotated token in the file; each next run works', async () => {
  const config = h.write('rotating.json', h.config);
  const original = tokenInFile(config);

  const check = await h.run(['check', '--config', config, '--write-config']);
  expect(check.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
  const controls = check.ofType('CONTROL');
  expect(controls).toHaveLength(1);
  expect(controls[0].control.connectorConfig.config.credentials.refresh_token).toBe(h.sim.currentRefreshToken());
  expect(tokenInFile(config)).toBe(h.sim.currentRefreshToken());
  expect(tokenInFile(config)).not.toBe(original);

  const discover = await h.run(['discover', '--config', config, '--write-config']);
  expect(discover.exitCode).toBe(0);
  expect(discover.ofType('CATALOG')).toHaveLength(1);

  for (let i = 0; i < 2; i++) {
    const read = await h.run(['read', '--config', config, '--catalog', catalog(), '--write-config']);
    expect(read.traces()).toEqual([]);
    expect(read.exitCode).toBe(0);
    expect(read.records('boards').length).toBeGreaterThan(0);
    expect(tokenInFile(config)).toBe(h.sim.currentRefreshToken());
  }

  const again = await h.run(['check', '--config', config, '--write-config']);
  expect(again.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
});

test('without --write-config, check still hands the rotated token over in a CONTROL message (the file is left as it was)', async () => {
  const config = h.write('rotating-no-write.json', {
    ...h.config,
    credentials: { ...(h.config.credentials as object), refresh_token: h.sim.currentRefreshToken() },
  });
  const before = readFileSync(config, 'utf8');
  const check = await h.run(['check', '--config', config]);
  expect(check.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
  expect(check.ofType('CONTROL').map((m) => m.control.connectorConfig.config.credentials.refresh_token)).toEqual([
    h.sim.currentRefreshToken(),
  ]);
  expect(readFileSync(config, 'utf8')).toBe(before);
  expect(
    check
      .ofType('LOG')
      .filter((m) => m.log.level === 'WARN')
      .map((m) => m.log.message),
  ).toEqual([
    expect.stringMatching(
      /old one in your config file no longer works.*rerun with --write-config.*copy control\.connectorConfig\.config from the CONTROL message/,
    ),
  ]);
  // which is why the flag matters: the token left in the file was revoked by that rotation
  const next = await h.run(['check', '--config', config]);
  expect(next.ofType('CONNECTION_STATUS').map((m) => [m.connectionStatus.status, m.connectionStatus.message])).toEqual([
    ['FAILED', expect.stringMatching(/re-authenticate/)],
  ]);
});

test('a check that fails after the refresh still keeps the rotated token (the next check with the file works)', async () => {
  const config = h.write('rotating-then-failing.json', {
    ...h.config,
    credentials: { ...(h.config.credentials as object), refresh_token: h.sim.currentRefreshToken() },
    ad_account_ids: ['999999999'],
  });
  const failed = await h.run(['check', '--config', config, '--write-config']);
  expect(failed.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['FAILED']);
  expect(tokenInFile(config)).toBe(h.sim.currentRefreshToken());
  const fixed = JSON.parse(readFileSync(config, 'utf8'));
  delete fixed.ad_account_ids;
  const path = h.write('rotating-fixed.json', fixed);
  const ok = await h.run(['check', '--config', path, '--write-config']);
  expect(ok.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
});
