/**
 * The dependency rules of docs/architecture.md, checked by `npm run lint` (and so by CI).
 * Layers point one way: domain ← workflows / activities ← adapters (db, payments, infra, live, device-protocol)
 * ← processes (api, device-gateway, worker, simulator) ← system (the all-in-one launcher).
 * Tests and benchmarks may reach into any layer; production code never reaches into them.
 */
const notTests = '(?<!\\.test)\\.ts$';
const processes = '^(api|device-gateway|ocpp|worker|simulator|system)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Modules never depend on each other in a loop.', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds rules with no I/O: it depends on itself (and zod) only.',
      from: { path: '^domain/', pathNot: '\\.test\\.ts$' },
      to: { pathNot: ['^domain/', '^node_modules/zod/'] },
    },
    {
      name: 'workflows-depend-on-domain-only',
      severity: 'error',
      comment: 'Workflow code is deterministic: it sees domain/, its own messages, the workflow SDK and a pure hash (command nonces); activities only as types.',
      from: { path: '^workflows/', pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: ['^workflows/', '^domain/', '^node_modules/@temporalio/(workflow|common)/', '^node_modules/@noble/hashes/', '^activities/'],
      },
    },
    {
      name: 'workflows-see-activities-as-types',
      severity: 'error',
      comment: 'Workflows reach activities through proxyActivities, so an activity module is imported as a type only.',
      from: { path: '^workflows/', pathNot: '\\.test\\.ts$' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-use-ports',
      severity: 'error',
      comment: 'Activities do their I/O through the ports they are given, never through an adapter or a process.',
      from: { path: '^activities/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^(db|payments|infra|live|device-protocol|device-gateway|api|worker|simulator|system)/'] },
    },
    {
      name: 'adapters-point-down',
      severity: 'error',
      comment: 'Adapters (db, payments, infra, live, the device protocol) implement ports; they import no process, and of the workflows only their public contract (messages, search attributes).',
      from: { path: ['^(db|payments|infra|live)/', '^device-protocol/'], pathNot: '\\.test\\.ts$' },
      to: { path: [processes, '^workflows/(?!.*\\.messages\\.ts$|search-attributes\\.ts$)'] },
    },
    {
      name: 'not-to-another-process',
      severity: 'error',
      comment: 'A process (api, gateway, worker, simulator) imports within itself or below, never another process; system/ composes them.',
      from: { path: '^(api|device-gateway|worker|simulator)/([^/]+)', pathNot: '\\.test\\.ts$' },
      to: { path: processes, pathNot: ['^$1/', '^device-protocol/'] },
    },
    {
      name: 'ocpp-reuses-the-gateway-handlers',
      severity: 'error',
      comment:
        'The OCPP central system is a second front door onto the same pile facts: it hands them to the device gateway’s handlers (one concept, one place) and imports no other process, nor the gateway’s composition root.',
      from: { path: '^ocpp/', pathNot: '\\.test\\.ts$' },
      to: { path: [processes, '^device-gateway/main\\.ts$'], pathNot: ['^ocpp/', '^device-gateway/(?!main\\.ts$)'] },
    },
    {
      name: 'no-tests-or-benchmarks-in-production-code',
      severity: 'error',
      from: { path: notTests, pathNot: ['^test/', '^bench/'] },
      to: { path: ['^test/', '^bench/', '\\.test\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^\\.bench-dist/', '^mini-program/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
