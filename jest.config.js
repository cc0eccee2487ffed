// One jest run for every package: tests import workspace packages from their sources
// (never a build), and one PostgreSQL serves the whole run (shared/src/testing).
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@ttfd/shared$': '<rootDir>/shared/src/index.ts',
    '^@ttfd/shared/testing$': '<rootDir>/shared/src/testing/index.ts',
    '^@ttfd/shared/dev$': '<rootDir>/shared/src/dev/embedded-postgres.ts',
  },
  testMatch: ['<rootDir>/{shared,services/*,charts}/{src,test}/**/*.{spec,int-spec}.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/shared/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/shared/src/testing/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
