/**
 * A deployment whose alarms reach nobody would fail silently: the alarms resolver
 * (infra/alarms.cjs) says so on stderr when the config has no admin chat and no --alert-email
 * is given, and stays quiet otherwise; the config's alerts.email is the e-mail default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const alarms = require('../../infra/alarms.cjs') as { nobodyIsTold(config: unknown, alertEmail: string): string | undefined; configAlertEmail(config: unknown): string };
const NOTICE = /telegram\.adminChatIds is empty and no --alert-email is given: the alarms will fire, but nobody will be told/;

test('the notice: no admin chat and no e-mail → said; an admin chat or an e-mail → nothing', () => {
  assert.match(alarms.nobodyIsTold({ telegram: { adminChatIds: [] } }, '') ?? '', NOTICE);
  assert.match(alarms.nobodyIsTold({}, '') ?? '', NOTICE);
  assert.equal(alarms.nobodyIsTold({ telegram: { adminChatIds: [123456789] } }, ''), undefined);
  assert.equal(alarms.nobodyIsTold({ telegram: { adminChatIds: [] } }, 'ops@example.com'), undefined);
});

test('the resolver prints it for the shipped example config (adminChatIds: [])', () => {
  const script = `
    const resolve = require(${JSON.stringify(join(root, 'infra/alarms.cjs'))});
    const resolveVariable = async (v) => (v === 'sls:stage' ? 'prod' : /^opt:[\\w-]+, '(.*)'$/.exec(v)[1]);
    resolve({ options: {}, resolveVariable }).then((r) => console.log(Object.values(r.Resources).filter((x) => x.Type === 'AWS::CloudWatch::Alarm').length));`;
  const env = { ...process.env, CANDLEBOT_CONFIG: join(root, 'candlebot.config.example.yml') };
  const run = spawnSync(process.execPath, ['-e', script], { cwd: root, env, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, NOTICE);
  assert.ok(Number(run.stdout.trim()) > 0, run.stdout);
});

test('alerts.email of the config is the default of --alert-email (absent: none)', () => {
  assert.equal(alarms.configAlertEmail({ alerts: { email: 'ops@example.com' } }), 'ops@example.com');
  assert.equal(alarms.configAlertEmail({ alerts: {} }), '');
  assert.equal(alarms.configAlertEmail({}), '');
});
