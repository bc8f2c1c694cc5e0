/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];
// msw 2 pulls in ESM-only packages; they are compiled to CommonJS like our own files.
const esmOnly = [
  'rettime',
  'until-async',
  'outvariant',
  'strict-event-emitter',
  '@mswjs',
  'msw',
  'headers-polyfill',
  '@open-draft',
  'is-node-process',
  'graphql',
  'tough-cookie',
  'tldts',
  'tldts-core',
  'type-fest',
];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|mjs|js)$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testMatch: [
    '<rootDir>/unit_tests/**/*.test.ts',
    '<rootDir>/integration_tests/**/*.test.ts',
    '<rootDir>/simulator/**/*.test.ts',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60000,
};
