// How tests (jest) and child processes started by tests (register-ts.cjs) compile TypeScript,
// and where workspace packages resolve: to their sources, never to a build.
/* global __dirname */
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const sourceAliases = {
  '@ttfd/shared': path.join(root, 'shared/src/index.ts'),
  '@ttfd/testing': path.join(root, 'testing/src/index.ts'),
  '@ttfd/dev': path.join(root, 'dev/src/index.ts'),
};

module.exports = { swcOptions, sourceAliases };
