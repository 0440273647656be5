/**
 * `npm run package`: `osls package --stage dev` offline, through the local binary (npx would
 * ping the registry), with dummy AWS credentials so that no real account is ever touched.
 * Extra arguments are passed on (e.g. `npm run package -- --stage prod`). The config that ships
 * is chosen by infra/config-file.cjs (CANDLEBOT_CONFIG, else candlebot.config.yml, else the
 * example); `--config` is osls's own option (the serverless.yml to use), not the bot config.
 *
 * The bot config that ships in the zips is validated first, exactly as the functions load it
 * plus the deployment checks (lib/config/deploy.ts): a bad config stops here with the
 * loader's message and exit 1, before osls runs. (osls run directly validates it too, through
 * infra/scan-schedules.cjs.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wantsHelp } from '../lib/cli/flags.js';
import { loadDeployConfig } from '../lib/config/deploy.js';
import { isCandlebotError } from '../lib/errors.js';
import { createRequire } from 'node:module';

const { chooseDeployConfig } = createRequire(import.meta.url)('./config-file.cjs') as { chooseDeployConfig: (o: { command?: string; root?: string }) => { file: string; relative: string; notice?: string } };

const PACKAGE_USAGE =
  'usage: npm run package [-- --stage <stage> …more osls package options]\n' +
  '  offline: osls package with dummy AWS credentials (default --stage dev); artefacts in .serverless/';
if (wantsHelp(process.argv.slice(2))) {
  console.log(PACKAGE_USAGE);
  process.exit(0);
}

const root = join(import.meta.dirname, '..');
/**
 * The file every function ships (serverless.yml: custom.configFile → CANDLEBOT_CONFIG_PATH,
 * package.patterns): CANDLEBOT_CONFIG, else candlebot.config.yml, else the example (notice).
 */
let CONFIG_FILE: string;
try {
  const choice = chooseDeployConfig({ command: 'package', root });
  if (choice.notice) console.error(choice.notice);
  CONFIG_FILE = choice.file;
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
try {
  loadDeployConfig(CONFIG_FILE);
} catch (error) {
  if (!isCandlebotError(error)) throw error;
  console.error(`candlebot: ${error.message}`);
  console.error('nothing packaged');
  process.exit(1);
}
const osls = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'osls.cmd' : 'osls');
if (!existsSync(osls)) {
  console.error(`${osls} is missing: run npm ci first`);
  process.exit(1);
}
/** Dummy credentials only: packaging must never reach (or need) a real AWS account. */
function packageEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'AKIAPACKAGEONLY00000',
    AWS_SECRET_ACCESS_KEY: 'package-only-dummy-secret',
    AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  for (const key of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete env[key];
  return env;
}

// serverless-esbuild leaves a `<function>-<pid>-<time>-<hex>` folder per function in the temp
// folder on every package: give osls a temp folder of its own and remove it afterwards.
const buildTmp = mkdtempSync(join(tmpdir(), 'candlebot-package-build-'));
const args = process.argv.slice(2);
const stageGiven = args.some((a) => a === '--stage' || a.startsWith('--stage=') || a === '-s');
const started = Date.now();
const result = spawnSync(osls, ['package', ...(stageGiven ? [] : ['--stage', 'dev']), ...args], {
  cwd: root,
  // A bounded run: packaging takes seconds; never hang a CI job on it.
  timeout: 5 * 60_000,
  killSignal: 'SIGKILL',
  // No stdin: osls must never wait for input (CI has none).
  stdio: ['ignore', 'inherit', 'inherit'],
  // The chosen file, absolute: osls's resolver (infra/config-file.cjs) takes the same one, silently.
  env: { ...packageEnv(), CANDLEBOT_CONFIG: CONFIG_FILE, TMPDIR: buildTmp, TMP: buildTmp, TEMP: buildTmp },
});
rmSync(buildTmp, { recursive: true, force: true });
if (result.error) {
  console.error(`osls package failed: ${result.error.message}`);
  process.exit(1);
}
if (result.status === 0) console.log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
