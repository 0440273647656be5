/**
 * Layer rules of lib/ (docs/architecture.md "Layers"), checked by test/infra/layers.test.ts in `npm test`.
 *
 *   core      lib/core, lib/errors.ts, lib/error-codes.ts — pure: imports only itself (and zod); no SDK, network, clock
 *   (lib/retry.ts, the one retry helper, may be used by every layer above core)
 *   ports     lib/ports — interfaces the use cases need; imports only core
 *   adapters  lib/aws, lib/store, lib/exchange, lib/telegram, lib/queue, lib/chart — talk to the outside;
 *             never import a use case, the runtime or a CLI
 *   use cases every other folder of lib/ (scan, monitor, notify, portfolio, bot, backtest, …)
 *   runtime   lib/runtime — wires adapters into use cases, one file per function
 *   handlers  functions/ — import the runtime (the handler kit) and use cases only
 *   user strategies  strategies/ (repository root, issue 16) — import only lib/core (the strategy kit)
 *             and zod; lib/core/strategies/index.ts (the registry) imports their generated list
 *             strategies/index.ts, and lib/core may use technicalindicators (the indicator adapter)
 */
const ADAPTERS = '^lib/(aws|store|exchange|telegram|queue|chart)/';
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle between modules.',
      from: { path: '^(lib|functions|strategies)/' },
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment:
        'lib/core imports only lib/core, lib/errors.ts (+ its catalogue), zod, technicalindicators (pure maths, behind lib/core/indicators) ' +
        'and the user strategies (strategies/, the registry) — no SDK, no network, no node: modules.',
      from: { path: '^lib/core/' },
      to: { pathNot: ['^lib/core/', '^lib/errors[.]ts$', '^lib/error-codes[.]ts$', '^node_modules/zod/', '^node_modules/technicalindicators/', '^strategies/'] },
    },
    {
      name: 'user-strategies-import-only-the-kit',
      severity: 'error',
      comment: 'A user strategy (strategies/*.ts) imports only lib/core (the strategy kit, lib/core/strategies/kit.ts) and zod.',
      from: { path: '^strategies/' },
      to: { pathNot: ['^strategies/', '^lib/core/', '^node_modules/zod/'] },
    },
    {
      name: 'errors-is-pure',
      severity: 'error',
      comment: 'lib/errors.ts and its code catalogue import nothing but each other.',
      from: { path: '^lib/error(s|-codes)[.]ts$' },
      to: { pathNot: ['^lib/error(s|-codes)[.]ts$'] },
    },
    {
      name: 'ports-import-only-core',
      severity: 'error',
      comment: 'lib/ports holds interfaces (and trivial defaults): it imports only lib/core and lib/errors.ts.',
      from: { path: '^lib/ports/' },
      to: { pathNot: ['^lib/ports/', '^lib/core/', '^lib/error(s|-codes)[.]ts$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ports-types-only-core',
      severity: 'error',
      from: { path: '^lib/ports/' },
      to: { pathNot: ['^lib/ports/', '^lib/core/', '^lib/error(s|-codes)[.]ts$'] },
    },
    {
      name: 'adapters-never-import-use-cases',
      severity: 'error',
      comment: 'An adapter (store, exchange, telegram, queue, aws, chart) imports core, ports, config and other adapters only.',
      from: { path: ADAPTERS },
      to: { path: '^lib/', pathNot: [ADAPTERS, '^lib/(core|ports|config)/', '^lib/(errors|error-codes|retry)[.]ts$'] },
    },
    {
      name: 'use-cases-never-import-runtime-or-cli',
      severity: 'error',
      comment: 'Use cases get their adapters through ports; the wiring lives in lib/runtime.',
      from: { path: '^lib/', pathNot: ['^lib/(runtime|cli)/'] },
      to: { path: '^lib/(runtime|cli)/' },
    },
    {
      name: 'use-cases-reach-aws-and-telegram-through-ports',
      severity: 'error',
      comment: 'A use case talks to DynamoDB, SQS, AWS and Telegram only through lib/ports (the runtime wires the adapters in).',
      from: { path: '^lib/[^/]+/', pathNot: ['^lib/(core|ports|aws|store|exchange|telegram|queue|chart|config|runtime|cli)/'] },
      to: { path: '^lib/(store|aws|queue|telegram)/' },
    },
    {
      name: 'handlers-import-runtime-and-use-cases',
      severity: 'error',
      comment: 'functions/ only adapt: the handler kit and runtime (lib/runtime) and use cases.',
      from: { path: '^functions/' },
      to: { path: '^lib/(core|ports|aws|store|exchange|telegram|queue|chart|config|cli)/|^lib/error(s|-codes)[.]ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'] },
  },
};
