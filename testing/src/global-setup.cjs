// Jest loads globalSetup outside its module map, so `@ttfd/*` would resolve to a build
// (dist/) that a fresh clone does not have: map them to their sources as child processes do.
require('./register-ts.cjs');
module.exports = require('./global-setup.ts').default;
