// Makes `require('@ttfd/shared')` (and the other workspace packages) load their sources, as
// jest's moduleNameMapper does for test files: for jest's globalSetup, which jest does not
// map, and for child processes started by tests (register-ts.cjs).
const Module = require('node:module');
const { sourceAliases } = require('./swc.cjs');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, sourceAliases[request] ?? request, ...rest);
};
