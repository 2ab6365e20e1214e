// Lint enforces the layering of DESIGN.md §1: core is pure, main and renderer never meet.
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls',
  'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.map((name) => ({ name, message: 'core/ is pure TypeScript: no Node built-ins.' })),
          { name: 'electron', message: 'core/ must not import Electron.' },
          { name: 'vue', message: 'core/ must not import Vue.' },
        ],
        patterns: [
          { group: ['node:*'], message: 'core/ is pure TypeScript: no Node built-ins.' },
          { group: ['**/main/**', '**/renderer/**', '../../main/*', '../../renderer/*'], message: 'core/ imports nothing outside core/.' },
          { group: ['electron/*', 'vue/*', '@vue/*'], message: 'core/ must not import Electron or Vue.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'window', message: 'No DOM in core/.' },
        { name: 'document', message: 'No DOM in core/.' },
        { name: 'process', message: 'No Node globals in core/.' },
        { name: 'Buffer', message: 'Use Uint8Array in core/.' },
        { name: 'require', message: 'No Node globals in core/.' },
        { name: 'setTimeout', message: 'core/ has no wall clock: schedule on the simulator.' },
        { name: 'setInterval', message: 'core/ has no wall clock: schedule on the simulator.' },
        { name: 'performance', message: 'core/ has no wall clock: time is injected.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Use a seeded stream from core/base/rng.' },
        { object: 'Date', property: 'now', message: 'core/ has no wall clock: time is injected.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date']", message: 'core/ has no wall clock: time is injected.' },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**'], message: 'main/ never imports renderer/: go through core/contract.' }] }],
    },
  },
  // Vue single-file components: eslint-plugin-vue's recommended rules, with TypeScript inside <script>.
  ...pluginVue.configs['flat/recommended'].map((config) => ({ ...config, files: ['renderer/**/*.vue'] })),
  {
    files: ['renderer/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/main/**'], message: 'renderer/ never imports main/: go through core/contract.' },
        { group: ['electron', 'node:*'], message: 'renderer/ runs in the page: no Electron or Node.' },
      ] }],
    },
  },
);
