// ESLint flat config. The rules are picked so that what they ask for is mechanical to fix; layout is left
// to Prettier (`npm run format`) and import layering to dependency-cruiser (.dependency-cruiser.cjs).
// docs/linting.md says why each choice was made.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TESTS = ['unit_tests/**', 'integration_tests/**/*.test.ts', 'simulator/tests/**', 'test_kit/**'];

export default defineConfig(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', 'bench-output/', '.demo-output/', 'tmp/', '**/fixtures/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // `_name` marks a parameter or binding kept on purpose (a callback's position, a rest sibling).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Type-only imports are marked, so a reader (and the layering check) can tell a runtime edge from a
      // type one. `typeof import('…')` stays allowed: tests use it with a deliberate late require.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // The connector matches control characters on purpose (rejecting them in credentials and input).
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-throw-literal': 'error',
    },
  },
  {
    // Production code and the simulator have no `any`, and keep it that way. Tests, the test kit and
    // scripts poke at parsed JSON of unknown shape, where `any` is the honest type.
    files: ['**/*.ts'],
    ignores: ['src/**', 'simulator/**/!(tests)/**', 'simulator/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: TESTS,
    rules: {
      // Tests load some modules with a late `require` so they see an environment set up first.
      '@typescript-eslint/no-require-imports': 'off',
      // Tests build generators that throw before their first yield on purpose.
      'require-yield': 'off',
    },
  },
  {
    // CommonJS scripts and config files run directly by Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
);
