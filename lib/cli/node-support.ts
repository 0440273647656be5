/**
 * Loaded before every local CLI (package.json scripts: `node --import tsx --import ./lib/cli/node-support.ts …`).
 *
 * Node 20 is this project's local floor (developers' machines and CI; the lockfile pins AWS SDK
 * versions that support it; the deployed functions run nodejs24.x). On Node < 22 the AWS SDK
 * prints an 8-line "will require node >= 22" notice at the first client it builds: known and
 * planned for here, so it is switched off for the local CLIs only, and only on Node < 22
 * (test/run.ts does the same for the tests). Nothing else is silenced: other warnings still print.
 */
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export {};
