/**
 * Which bot config the local commands read (issue 17): `--config`, else CANDLEBOT_CONFIG, else
 * the user's git-ignored candlebot.config.yml, else the shipped candlebot.config.example.yml
 * with ONE notice line. The CLIs run as processes of their own in a fresh-clone-like working
 * directory (a temp dir without candlebot.config.yml), so a user file in this checkout does
 * not change the outcome.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chooseConfigFile, CONFIG_EXAMPLE_NOTICE, EXAMPLE_CONFIG_PATH } from '../../lib/config/config-path.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { ROOT } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { ADMIN_CHAT, configYaml, SECRET } from '../webhook/harness.js';

const NOTICE = 'no candlebot.config.yml: using candlebot.config.example.yml — copy it to make your own';

/** Runs a CLI entry as its npm script does (tsx, node-support), but from `cwd`. */
function runIn(cwd: string, entry: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const imports = ['--import', pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, '--import', pathToFileURL(join(ROOT, 'lib', 'cli', 'node-support.ts')).href];
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve) => {
    execFile(process.execPath, [...imports, join(ROOT, entry), ...args], { cwd, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('config file choice', () => {
  it('flag, then CANDLEBOT_CONFIG, then candlebot.config.yml in the working directory, then the example with the notice', () => {
    const fresh = tempDir('candlebot-fresh-clone-');
    assert.equal(CONFIG_EXAMPLE_NOTICE, NOTICE);
    assert.deepEqual(chooseConfigFile('my.yml', { CANDLEBOT_CONFIG: 'env.yml' }, fresh), { path: 'my.yml' });
    assert.deepEqual(chooseConfigFile(undefined, { CANDLEBOT_CONFIG: 'env.yml' }, fresh), { path: 'env.yml' });
    assert.deepEqual(chooseConfigFile(undefined, {}, fresh), { path: EXAMPLE_CONFIG_PATH, notice: NOTICE });
    assert.equal(EXAMPLE_CONFIG_PATH, join(ROOT, 'candlebot.config.example.yml'));
    const own = tempDir('candlebot-own-config-');
    writeFileSync(join(own, 'candlebot.config.yml'), configYaml());
    assert.deepEqual(chooseConfigFile(undefined, {}, own), { path: join(own, 'candlebot.config.yml') });
  });
});

describe('npm start: which config it reads', () => {
  const missingReplay = (dir: string) => join(dir, 'no-such-replay-dir');
  it('fresh clone (no candlebot.config.yml): the example, with one notice line, then goes on', async () => {
    const fresh = tempDir('candlebot-fresh-clone-');
    const r = await runIn(fresh, 'lib/cli/start.ts', ['--replay', missingReplay(fresh)], { CANDLEBOT_CONFIG: undefined });
    const out = r.stdout + r.stderr;
    assert.equal(out.split('\n').filter((l) => l === NOTICE).length, 1, out);
    // It got past the config (valid example) to the replay folder, which does not exist.
    assert.notEqual(r.code, 0, out);
    assert.match(out, /no-such-replay-dir/, out);
    assert.doesNotMatch(out, /invalid config|cannot read config/, out);
  });

  it('--config <file> and CANDLEBOT_CONFIG name the file read (a bad one is refused naming it), without the notice', async () => {
    const dir = tempDir('candlebot-custom-config-');
    const bad = join(dir, 'my-bot.yml');
    writeFileSync(bad, 'exchanges: [{ id: binance, symbols: [BTC/USDT], timeframes: [1h] }]\nstrategies: [{ name: ema-cross }]\nrisk: { stakeFraction: -0.1 }\n');
    for (const [args, env] of [[['--config', bad], { CANDLEBOT_CONFIG: undefined }], [[], { CANDLEBOT_CONFIG: bad }]] as const) {
      const r = await runIn(dir, 'lib/cli/start.ts', [...args, '--replay', missingReplay(dir)], env);
      const out = r.stdout + r.stderr;
      assert.notEqual(r.code, 0, out);
      assert.match(out, /invalid config file .*my-bot\.yml:\n {2}- risk\.stakeFraction/, out);
      assert.ok(!out.includes(NOTICE), out);
    }
  });
});

describe('npm run webhook:set: which config builds the command menu', () => {
  let fake: FakeTelegram;
  before(async () => {
    fake = await startFakeTelegram({ limits: false });
  });
  after(() => fake.close());
  const env = () => ({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.apiRoot });
  const adminMenus = () => fake.calls.filter((c) => c.method === 'setMyCommands' && c.params.scope !== undefined).length;
  const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/telegram/webhook';

  it('fresh clone: the example (no admin chats: no admin menu), one notice line, exit 0', async () => {
    const fresh = tempDir('candlebot-fresh-clone-');
    const before = adminMenus();
    const r = await runIn(fresh, 'lib/cli/webhook-set.ts', ['--url', url], { ...env(), CANDLEBOT_CONFIG: undefined });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.split('\n').filter((l) => l === NOTICE).length, 1, r.stderr);
    assert.equal(adminMenus(), before);
  });

  it('a user file at a custom path, by --config and by CANDLEBOT_CONFIG: its admin chat gets the admin menu', async () => {
    const dir = tempDir('candlebot-custom-config-');
    const mine = join(dir, 'configs-mine.yml');
    writeFileSync(mine, configYaml());
    for (const [args, extra] of [[['--config', mine], { CANDLEBOT_CONFIG: undefined }], [[], { CANDLEBOT_CONFIG: mine }]] as const) {
      const before = adminMenus();
      const r = await runIn(dir, 'lib/cli/webhook-set.ts', ['--url', url, ...args], { ...env(), ...extra });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stderr.includes(NOTICE), r.stderr);
      const scoped = fake.calls.filter((c) => c.method === 'setMyCommands' && c.params.scope !== undefined).slice(before);
      assert.equal(scoped.length, 1);
      const scope = typeof scoped[0]!.params.scope === 'string' ? JSON.parse(scoped[0]!.params.scope) : scoped[0]!.params.scope;
      assert.deepEqual(scope, { type: 'chat', chat_id: ADMIN_CHAT });
    }
  });
});
