// The import rules `make lint` enforces (dependency-cruiser). Type-only imports count:
// a type cycle is one import away from a runtime cycle.
//
// Layers of @ttfd/shared, lowest first; a module may import only from its own layer or
// below:
//   base         platform, config, logger, metrics, ops-server, service-runner, catalogue/locale
//   db           entities, migrations, data source
//   events       the event types, delivery SQL, live updates
//   progression  the write path
//   identity     linking, merging, unlinking
//   views        what front ends show; catalogue (names and texts)
//   front ends   discord (slash command definitions, Linked Roles metadata), rank-card (the
//                rank card image): what the Discord bot, the ttfd CLI and the website share
const SHARED = '^shared/src/';
const layer = (names) => `${SHARED}(${names.join('|')})(/|\\.ts$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Modules import each other one way. Break the cycle by moving the shared piece (often a type) down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'db-imports-no-domain',
      severity: 'error',
      comment: 'The data layer (entities, migrations) knows tables, not the domain.',
      from: { path: `${SHARED}db/` },
      to: { path: layer(['events', 'progression', 'identity', 'views', 'catalogue', 'discord', 'rank-card']) },
    },
    {
      name: 'events-below-progression',
      severity: 'error',
      from: { path: `${SHARED}events/` },
      to: { path: layer(['progression', 'identity', 'views', 'discord', 'rank-card']) },
    },
    {
      name: 'progression-below-identity',
      severity: 'error',
      comment: 'Identity builds on progression (merges recompute ranks), never the reverse.',
      from: { path: `${SHARED}progression/` },
      to: { path: layer(['identity', 'views', 'discord', 'rank-card']) },
    },
    {
      name: 'identity-below-views',
      severity: 'error',
      from: { path: `${SHARED}identity/` },
      to: { path: layer(['views', 'discord', 'rank-card']) },
    },
    {
      name: 'views-below-front-ends',
      severity: 'error',
      comment: 'Views and names serve every front end; the Discord definitions and the rank card build on them.',
      from: { path: layer(['views', 'catalogue']) },
      to: { path: layer(['discord', 'rank-card']) },
    },
    {
      name: 'base-imports-no-domain',
      severity: 'error',
      comment: 'Config, logging, metrics and the service runner serve every layer, so they import none.',
      from: { path: `${SHARED}[^/]+\\.ts$`, pathNot: `${SHARED}index\\.ts$` },
      to: { path: layer(['db', 'events', 'progression', 'identity', 'views', 'discord', 'rank-card']) },
    },
    {
      name: 'production-imports-no-test-kit',
      severity: 'error',
      comment: 'Runtime images hold production code only: the test kit and the dev launcher stay out.',
      from: { path: '^(shared|services/[^/]+)/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(testing|dev)/' },
    },
    {
      name: 'services-never-import-each-other',
      severity: 'error',
      comment: 'Services share the database and the event log, never code: what two need goes to @ttfd/shared.',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'no-dist-imports',
      severity: 'error',
      comment: 'Sources and tests import workspace packages by name (resolved to their sources), never a build.',
      from: { pathNot: '^bench/' },
      to: { path: '(^|/)dist/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.data|\\.tools)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'default', 'types'] },
  },
};
