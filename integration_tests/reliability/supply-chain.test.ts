/**
 * Supply chain: `npm audit --omit=dev --audit-level=high` reports no high or critical advisory for the
 * production dependencies; package-lock.json is committed and pins every production package to a version
 * and a sha512 integrity hash; the Docker image (if the Dockerfile is present) runs as a non-root user.
 *
 * When the registry's audit endpoint cannot be reached (offline CI, a proxy without the audit API) the
 * audit test passes with a warning saying so; set RELIABILITY_REQUIRE_AUDIT=1 to make that a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test_kit/spawn';

const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<
    string,
    {
      version?: string;
      resolved?: string;
      integrity?: string;
      dev?: boolean;
      link?: boolean;
      dependencies?: Record<string, string>;
    }
  >;
};
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

test('npm audit --omit=dev: no high or critical advisory (or a clear warning when the audit endpoint is unreachable)', () => {
  const res = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  let report: any;
  try {
    report = JSON.parse(res.stdout);
  } catch {
    report = undefined;
  }
  const counts = report?.metadata?.vulnerabilities;
  if (!counts) {
    const why = (report?.error?.summary || report?.message || res.stderr || res.error?.message || 'no answer')
      .toString()
      .split('\n')[0]
      .slice(0, 300);
    const unreachable =
      /audit endpoint|advisories|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|socket|network|proxy|\b(40[3-9]|5\d\d)\b/i;
    if (!unreachable.test(`${why} ${res.stderr ?? ''}`)) throw new Error(`npm audit failed without a report: ${why}`);
    const note = `npm audit could not reach the registry's audit endpoint (${why}); the production dependencies were NOT audited in this run.`;
    if (process.env.RELIABILITY_REQUIRE_AUDIT === '1') throw new Error(note);
    console.warn(`SKIPPED: ${note} Set RELIABILITY_REQUIRE_AUDIT=1 to fail instead.`);
    return;
  }
  const advisories = Object.values(report.vulnerabilities ?? {}) as Array<{
    name: string;
    severity: string;
    via: unknown[];
  }>;
  const serious = advisories
    .filter((v) => v.severity === 'high' || v.severity === 'critical')
    .map((v) => `${v.name} (${v.severity})`);
  expect(serious).toEqual([]);
  expect((counts.high ?? 0) + (counts.critical ?? 0)).toBe(0);
}, 100_000);

test('package-lock.json is committed (git ls-files)', () => {
  const res = spawnSync('git', ['ls-files', '--error-unmatch', 'package-lock.json'], { cwd: ROOT, encoding: 'utf8' });
  if (res.error || /not a git repository/.test(res.stderr)) {
    // A source tarball without .git: the lockfile must at least be there.
    expect(existsSync(join(ROOT, 'package-lock.json'))).toBe(true);
    return;
  }
  expect(res.status).toBe(0);
  expect(res.stdout.trim()).toBe('package-lock.json');
});

test('the lockfile matches package.json and pins every production package with a sha512 integrity hash (fetched over https)', () => {
  expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
  const root = lock.packages[''];
  expect(root.dependencies).toEqual(pkg.dependencies);
  const problems: string[] = [];
  let production = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link || entry.dev) continue;
    production++;
    // `resolved` may be omitted (npm then uses the configured registry); when present it must be https.
    if (entry.resolved !== undefined && !entry.resolved.startsWith('https://'))
      problems.push(`${path}: resolved from ${entry.resolved}`);
    if (!entry.version) problems.push(`${path}: no pinned version`);
    if (!entry.integrity?.startsWith('sha512-')) problems.push(`${path}: integrity ${entry.integrity ?? 'missing'}`);
  }
  expect(production).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});

test('the Docker image runs as a non-root user (if there is a Dockerfile)', () => {
  const file = join(ROOT, 'Dockerfile');
  if (!existsSync(file)) {
    console.warn('SKIPPED: no Dockerfile in the repository.');
    return;
  }
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  // the USER in force at the end of the last stage
  const lastFrom = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const users = lines
    .slice(lastFrom)
    .filter((l) => /^USER\s/i.test(l))
    .map((l) => l.split(/\s+/)[1]);
  expect(users.length).toBeGreaterThan(0);
  const user = users[users.length - 1].split(':')[0];
  expect(['root', '0']).not.toContain(user);
});
