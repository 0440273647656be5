/** `npm run webhook:set` against the fake Bot API: URL, secret, allowed_updates, command menu, --delete. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWebhookSet } from '../../lib/cli/webhook-set.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { ROOT, runCli } from '../support/run-cli.js';
import { ADMIN_CHAT, configYaml, SECRET } from './harness.js';
import { tempDir } from '../support/temp-dir.js';

const URL_ = 'https://abc123.execute-api.eu-west-1.amazonaws.com/telegram/webhook';

describe('npm run webhook:set', () => {
  let fake: FakeTelegram;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    fake = await startFakeTelegram({ limits: false });
    configPath = join(tempDir('candlebot-webhook-set-'), 'candlebot.config.yml');
    writeFileSync(configPath, configYaml());
    env = { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.apiRoot };
  });
  after(() => fake.close());

  async function run(argv: string[], e = env): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runWebhookSet(argv, e, (l) => out.push(l), (l) => err.push(l));
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('registers the URL, the secret token and allowed_updates, and the command menu', async () => {
    const r = await run(['--url', URL_, '--config', configPath, '--drop-pending-updates']);
    assert.equal(r.code, 0, r.err);
    assert.equal(fake.webhook?.url, URL_);
    assert.equal(fake.webhook?.secret_token, SECRET);
    assert.deepEqual(fake.webhook?.allowed_updates, ['message', 'callback_query']);
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    const menus = fake.calls.filter((c) => c.method === 'setMyCommands').map((c) => ({ scope: json(c.params.scope), names: (json(c.params.commands) as { command: string }[]).map((m) => m.command) }));
    assert.equal(menus.length, 2);
    assert.equal(menus[0]!.scope, undefined);
    for (const name of ['start', 'stop', 'subscribe', 'unsubscribe', 'list', 'settings', 'help']) assert.ok(menus[0]!.names.includes(name), name);
    assert.ok(!menus[0]!.names.includes('pause'), 'admin commands are not in everyone\'s menu');
    assert.deepEqual(menus[1]!.scope, { type: 'chat', chat_id: ADMIN_CHAT });
    assert.ok(menus[1]!.names.includes('pause'));
    assert.match(r.out, new RegExp(`webhook url: +${URL_.replace(/\./g, '\\.')}`));
    assert.match(r.out, /allowed updates: +message, callback_query/);
    assert.ok(!r.out.includes(SECRET) && !r.out.includes(fake.token), 'no secret printed');
  });

  it('runs as `npm run webhook:set` runs it: a process of its own, exit code 0', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts['webhook:set'], 'exec node --import tsx --import ./lib/cli/node-support.ts lib/cli/webhook-set.ts');
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let out;
    try {
      out = await runCli('lib/cli/webhook-set.ts', ['--url', `${URL_}?v=2`, '--config', configPath]);
    } finally {
      for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
      Object.assign(process.env, saved);
    }
    assert.equal(out.code, 0, out.stderr);
    assert.equal(fake.webhook?.url, `${URL_}?v=2`);
    assert.match(out.stdout, /webhook set:/);
    assert.ok(!out.stdout.includes(SECRET) && !out.stderr.includes(SECRET) && !out.stdout.includes(fake.token));
  });

  it('--delete removes the webhook', async () => {
    const r = await run(['--delete']);
    assert.equal(r.code, 0, r.err);
    assert.equal(fake.webhook, undefined);
    assert.match(r.out, /webhook url: +\(none: long polling\)/);
  });

  it('refuses bad arguments and environment with exit code 2 and a clear message', async () => {
    const http = await run(['--url', 'http://example.com/telegram/webhook', '--config', configPath]);
    assert.equal(http.code, 2);
    assert.match(http.err, /must be https:\/\//);
    assert.match((await run([])).err, /give either --url or --delete/);
    assert.match((await run(['--url', URL_, '--delete'])).err, /give either --url or --delete/);
    assert.match((await run(['--url', URL_, '--bogus'])).err, /Unknown option '--bogus'/);
    const noSecret = await run(['--url', URL_, '--config', configPath], { ...env, TELEGRAM_WEBHOOK_SECRET: undefined });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.err, /TELEGRAM_WEBHOOK_SECRET is not set/);
    const badSecret = await run(['--url', URL_], { ...env, TELEGRAM_WEBHOOK_SECRET: 'has spaces in it!!' });
    assert.equal(badSecret.code, 2);
    assert.match(badSecret.err, /TELEGRAM_WEBHOOK_SECRET: must be 16-256 characters/);
    assert.equal(fake.webhook, undefined, 'nothing was set');
  });

  it('a token Telegram refuses fails with exit code 1 without printing it', async () => {
    const wrong = '987654321:AAWrongTokenWrongTokenWrongToken_xyz';
    const r = await run(['--url', URL_, '--config', configPath], { ...env, TELEGRAM_BOT_TOKEN: wrong });
    assert.equal(r.code, 1);
    assert.match(r.err, /401 Unauthorized/);
    assert.ok(!r.err.includes(wrong) && !r.err.includes('AAWrongToken'), r.err);
  });
});
