import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { DEFAULT_FAKE_TOKEN, startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';

const CHAT = 777;
let seq = 1;
function command(text: string): Record<string, unknown> {
  const chat = { id: CHAT, type: 'private', first_name: 'Local' };
  const length = text.split(' ')[0]!.length;
  return { message: { message_id: seq++, date: Math.floor(Date.now() / 1000), chat, from: { id: CHAT, is_bot: false, first_name: 'Local' }, text, entities: [{ type: 'bot_command', offset: 0, length }] } };
}

/** `npm start -- --replay …` with a bot token, against the fake Bot API. */
function startWithToken(apiRoot: string, timeoutMs = 240_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, TELEGRAM_BOT_TOKEN: DEFAULT_FAKE_TOKEN, TELEGRAM_API_ROOT: apiRoot };
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/start.ts', '--replay', 'test/fixtures/replay'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`npm start did not finish in ${timeoutMs} ms:\n${out.slice(-4000)}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('npm start with TELEGRAM_BOT_TOKEN (long polling + the notify handler, fake Bot API)', () => {
  let fake: FakeTelegram;
  before(async () => {
    fake = await startFakeTelegram();
  });
  after(() => fake.close());

  it('answers commands by long polling and delivers the replay’s notifications (charts included) through the notify handler', async () => {
    fake.pushUpdate(command('/start'));
    fake.pushUpdate(command('/subscribe all'));
    const { code, out } = await startWithToken(fake.apiRoot);
    assert.equal(code, 0, out.slice(-4000));
    const delivered = fake.delivered(CHAT);
    const texts = delivered.map((d) => d.text ?? d.caption ?? '');
    assert.ok(texts.some((t) => /registered/.test(t)), `no /start reply in ${texts.slice(0, 3).join(' | ')}`);
    assert.ok(texts.some((t) => /subscribed/i.test(t)), 'no /subscribe reply');
    // Closed paper positions carry a chart: the notify handler rendered and uploaded PNGs.
    assert.ok(delivered.filter((d) => d.method === 'sendPhoto').length > 0, 'no photo delivered');
    assert.ok(delivered.some((d) => /closed paper/.test(d.text ?? d.caption ?? '')), 'no close notification delivered');
    assert.ok(!out.includes(DEFAULT_FAKE_TOKEN), 'the bot token appeared in the output');
    assert.ok(!/TimeoutOverflowWarning/.test(out), 'a timer overflowed');
  });
});
