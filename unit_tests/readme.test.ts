/**
 * The README and docs/ say only what exists: every `npm run` script, every command and option of
 * `node dist/main.js`, every environment variable and every local link they name is real, and the first
 * screen says what the connector is and gives the two commands a newcomer runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>);

/** Every source file, as one text, to find where an environment variable or an option is read. */
function sourceText(dirs: string[]): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const p = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(p);
      else if (/\.(ts|js|sh)$/.test(entry.name)) out.push(read(p));
    }
  };
  dirs.forEach(walk);
  return out.join('\n');
}
/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} +(.+)$/gm)].map((m) => m[1]);
  return new Set(
    headings.map((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

const connectorSource = sourceText(['src', 'bin']);
const everySource =
  connectorSource +
  sourceText(['scripts', 'simulator', 'integration_tests', 'unit_tests', 'test_kit']).replace(/readme\.test/g, '') +
  read('Dockerfile') +
  read('.ci/run');

describe.each(DOCS)('%s', (doc) => {
  const text = read(doc);
  // Code spans and fenced blocks: what a reader copies.
  const code = [...text.matchAll(/```[a-z]*\n([\s\S]*?)```|`([^`\n]+)`/g)]
    .map((m) => m[1] ?? m[2])
    .join('\n')
    .replace(/\\\n\s*/g, ' ');

  test('every `npm run <script>` is a script of package.json', () => {
    const named = [...code.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
  });

  test('every command and option given to the connector exists', () => {
    const problems: string[] = [];
    for (const m of code.matchAll(
      /(?:node dist\/main\.js|docker run[^\n]*?source-pinterest:[\w.]+|\$AIRBYTE_ENTRYPOINT)[ \t]+([a-z-]+)([^\n]*)/g,
    )) {
      const [, command, rest] = m;
      if (!new RegExp(`'${command}'`).test(connectorSource)) problems.push(`command ${command}`);
      for (const o of rest.matchAll(/(?:^|\s|\[)(--[a-z][a-z-]*)/g)) {
        // yargs reads --no-X as the boolean option X set to false.
        const name = o[1].slice(2).replace(/^no-/, '');
        if (!new RegExp(`'${name}'`).test(connectorSource)) problems.push(`option ${o[1]} of ${command}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every environment variable named is read somewhere', () => {
    const vars = new Set(
      [...text.matchAll(/\b((?:PINTEREST|AIRBYTE|LOG|REFERENCE|OPENAPI|BENCH|RELIABILITY)_[A-Z0-9_]+)\b/g)].map(
        (m) => m[1],
      ),
    );
    expect([...vars].filter((v) => !everySource.includes(v))).toEqual([]);
  });

  test('links to a section (#anchor) name a heading of that page', () => {
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)#\s]*)#([^)\s]+)\)/g)) {
      const [, file, anchor] = m;
      if (/^[a-z]+:/.test(file)) continue;
      const target = file === '' ? doc : join(doc.startsWith('docs/') ? 'docs' : '', file);
      if (!existsSync(join(ROOT, target))) continue; // reported by the file-link test
      if (!anchorsOf(read(target)).has(anchor)) broken.push(`${file}#${anchor}`);
    }
    expect(broken).toEqual([]);
  });

  test('local links point at files of the repository, and nothing points outside it', () => {
    const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1])
      .filter((l) => !/^[a-z]+:/.test(l));
    const base = doc.startsWith('docs/') ? join(ROOT, 'docs') : ROOT;
    expect(links.filter((l) => !existsSync(resolve(base, l)))).toEqual([]);
    expect(text).not.toMatch(/\.\.\/shared|\bshared\/(reference|pinterest-api|airbyte-protocol)/);
  });
});

const README = read('README.md');
/** What a reader sees before scrolling: a terminal or browser window of about 25 lines. */
const FIRST_SCREEN = README.split('\n').slice(0, 25).join('\n');

test("the README's first screen says what the connector is and gives the demo and the test commands", () => {
  const firstScreen = FIRST_SCREEN;
  expect(firstScreen).toMatch(/npm ci && npm run demo/);
  expect(firstScreen).toMatch(/npm test/);
  expect(firstScreen).toMatch(/Airbyte\]?(\([^)]*\))? source connector for Pinterest/i);
});

test("the README's first screen says where to go next: by hand, Docker, real credentials", () => {
  const links = [...FIRST_SCREEN.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  expect(links).toContain('docs/by-hand.md');
  expect(links).toContain('docs/docker.md');
  expect(links).toContain('#getting-credentials');
  expect(FIRST_SCREEN).toMatch(/by hand against the simulator/i);
  // The whole suite's time is where a newcomer looks for it.
  expect(FIRST_SCREEN).toMatch(/npm test[^\n]*about \d+ min/);
});

test('the README is for users: at most 250 lines', () => {
  expect(README.split('\n').length).toBeLessThanOrEqual(250);
});

test('one stream table: no page but docs/streams.md lists the streams with their endpoints', () => {
  const tables = DOCS.filter((doc) => /^\| stream \| endpoint/m.test(read(doc)));
  expect(tables).toEqual(['docs/streams.md']);
});
