// One jest run for every package: tests import workspace packages from their sources
// (never a build), and one PostgreSQL serves the whole run (shared/src/testing).
const { swcOptions, sourceAliases } = require('./testing/src/swc.cjs');

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleNameMapper: Object.fromEntries(
    Object.entries(sourceAliases).map(([name, file]) => [`^${escapeRegExp(name)}$`, file]),
  ),
  testMatch: ['<rootDir>/{shared,testing,dev,services/*,charts}/{src,test}/**/*.{spec,int-spec}.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/testing/src/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
