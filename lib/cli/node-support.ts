/**
 * Loaded before every local CLI (package.json scripts: `node --import tsx --import ./lib/cli/node-support.ts …`).
 *
 * Node 20 is this project's local floor (developers' machines and CI; the lockfile pins AWS SDK
 * versions that support it; the deployed functions run nodejs24.x). On Node < 22 the AWS SDK
 * prints an 8-line "will require node >= 22" notice at the first client it builds: known and
 * planned for here, so it is switched off for the local CLIs only, and only on Node < 22
 * (test/run.ts does the same for the tests). Nothing else is silenced: other warnings still print.
 *
 * User strategies (issue 16): strategies/index.ts, the generated list of strategies/*.ts, is
 * brought up to date first (infra/user-strategies.cjs: one readdir, a write only when a file was
 * added or removed), so every npm script sees the strategy files as they are. A failure is one
 * clear line on stderr and exit 1 — the script would otherwise run with a wrong strategy list.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { syncUserStrategies } = createRequire(import.meta.url)('../../infra/user-strategies.cjs') as { syncUserStrategies: (root: string) => unknown };
try {
  syncUserStrategies(root);
} catch (error) {
  console.error(`candlebot: cannot update strategies/index.ts (the list of your strategies/*.ts files): ${(error as Error).message}`);
  process.exit(1);
}

export {};
