/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  // msw 2 pulls in ESM-only .mjs files (rettime, @open-draft/…): compile those to CommonJS like our own files.
  transform: { '^.+\\.(ts|mjs)$': swc },
  transformIgnorePatterns: ['/node_modules/.+\\.(c?js|json)$'],
  testMatch: ['<rootDir>/unit_tests/**/*.test.ts', '<rootDir>/integration_tests/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60000,
};
