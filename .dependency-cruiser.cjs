// Import boundaries, checked by `npm run lint:imports` (part of `npm run lint`). docs/linting.md has the
// reasons. Type-only imports count like any other: a type dependency still ties the two modules together.

// The layers of src/, lowest first. A module may import from its own folder and from lower layers only.
const LAYERS = [
  { name: 'base', path: '^src/(errors[.]ts$|util/|schemas/|pinterest/)' },
  { name: 'protocol', path: '^src/protocol/' },
  { name: 'http', path: '^src/http/' },
  { name: 'config', path: '^src/config/' },
  { name: 'streams', path: '^src/streams/' },
  { name: 'reports', path: '^src/reports/' },
  { name: 'engine', path: '^src/engine/' },
  // src/runtime.ts is the runtime layer until it moves into src/runtime/.
  { name: 'runtime', path: '^src/(runtime/|runtime[.]ts$)' },
  { name: 'authorize', path: '^src/authorize/' },
  // The entry points: files at the root of src/ other than the two above.
  { name: 'entry', path: '^src/(?!errors[.]ts$|runtime[.]ts$)[^/]+$' },
];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}`,
  severity: 'error',
  comment:
    `src/ layer "${layer.name}" may import only its own folder and the layers below it ` +
    `(${LAYERS.slice(0, i + 1)
      .map((l) => l.name)
      .join(', ')}).`,
  from: { path: layer.path },
  to: {
    path: LAYERS.slice(i + 1)
      .map((l) => `(${l.path})`)
      .join('|'),
  },
}));

// The simulator is moving from integration_tests/simulator/ to simulator/; the rules name both so they hold
// before and after the move (a path that no longer exists matches nothing).
const SIMULATOR = '^simulator/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle in src/ or the simulator, not even between two files of one folder.',
      from: { path: `^src/|${SIMULATOR}` },
      to: { circular: true },
    },
    {
      name: 'src-not-to-outside',
      severity: 'error',
      comment: 'Production code stands alone: it imports no test, test kit, simulator or script.',
      from: { path: '^src/' },
      to: { path: '^(test_kit|simulator|integration_tests|unit_tests|scripts)/' },
    },
    {
      name: 'src-not-to-dev-dependencies',
      severity: 'error',
      comment: 'The image keeps production dependencies only: src/ may use a devDependency for types alone.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'simulator-not-to-tests-or-scripts',
      severity: 'error',
      comment: 'The simulator is a product of its own: it imports no test kit, test or script (its own tests may).',
      from: { path: SIMULATOR, pathNot: '^simulator/tests/' },
      to: { path: '^(test_kit|integration_tests|unit_tests|scripts)/', pathNot: SIMULATOR },
    },
    {
      name: 'simulator-not-to-src',
      severity: 'error',
      comment:
        'The simulator models Pinterest independently of the connector: from src/ it may take types and ' +
        "Pinterest's fixed facts (src/pinterest/, src/schemas/, JSON data) only.",
      from: { path: SIMULATOR },
      to: {
        path: '^src/',
        pathNot: '^src/(pinterest|schemas)/|[.]json$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'scripts-not-to-test-kit',
      severity: 'error',
      comment: 'Scripts build on src/, simulator/ and reference/, not on the test kit.',
      from: { path: '^scripts/' },
      to: { path: '^test_kit/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|bench-output|[.]demo-output|tmp)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    cache: false,
  },
};
