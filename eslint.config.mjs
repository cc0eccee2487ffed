import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.tools/**', 'coverage/**', 'bench/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration in config.ts (parseConfig) and pass it down.',
        },
      ],
    },
  },
  {
    files: [
      '**/config.ts',
      '**/main.ts',
      '**/cli.ts',
      '**/testing/**',
      '**/test/**',
      '**/*.spec.ts',
      'bench/**',
      'dev/**',
      'jest.config.js',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Every table is written only by @ttfd/shared's write path (one statement that also
    // appends the events); a repository's save/insert/update/delete/remove/upsert would skip
    // the events, the rank and the ledger. Services read entities with readOnlyRepository.
    files: ['services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'typeorm',
              importNames: ['Repository', 'EntityManager', 'TreeRepository'],
              message:
                'Services read entities with readOnlyRepository from @ttfd/shared; writes go through its write path.',
            },
            {
              name: '@nestjs/typeorm',
              importNames: ['InjectRepository', 'InjectEntityManager', 'getRepositoryToken'],
              message:
                'Services read entities with readOnlyRepository from @ttfd/shared; writes go through its write path.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[property.name=/^(getRepository|getTreeRepository|manager|createEntityManager|createQueryBuilder)$/]',
          message:
            'A writable repository or query builder bypasses the write path: read with readOnlyRepository(dataSource, Entity) from @ttfd/shared, change progression through its write path.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
