// Lets a child process run TypeScript sources, as jest does: `node -r <this file> main.ts`.
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const { swcOptions, sourceAliases } = require('./swc.cjs');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, sourceAliases[request] ?? request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swcOptions, filename });
  module._compile(code, filename);
};
