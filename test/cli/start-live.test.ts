/**
 * Live `npm start` says what it will do before the scheduler starts: the Telegram token is checked
 * with getMe before the local stack starts (a refused token: exit 1, nothing started), each
 * exchange is checked once (markets OK, or the classified error; the bot keeps running), and
 * what runs when is printed. Through the real CLI, against the exchange simulator and the fake Bot API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../infra/dynamodb-local.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { DEFAULT_FAKE_TOKEN, startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { ROOT, runStart } from '../support/run-cli.js';
import { FAST_STRATEGIES } from '../support/scan-fixture.js';

describe('live npm start: startup checks and what will run when', () => {
  const dir = mkdtempSync(join(tmpdir(), 'candlebot-live-'));
  let sim: BinanceSim;
  let telegram: FakeTelegram;
  before(async () => {
    sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT'], nowMs: Date.now() });
    telegram = await startFakeTelegram();
  });
  after(async () => {
    await sim.close();
    await telegram.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the token, then each exchange once (one reachable, one not: reported, the bot keeps running), and prints the schedule', async () => {
    const closed = await freePort(); // nothing listens there: connection refused
    const config = join(dir, 'two-exchanges.yml');
    writeFileSync(
      config,
      stringify({
        exchanges: [
          { id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1m', '1h'], apiBase: sim.url },
          { id: 'bybit', symbols: ['BTC/USDT'], timeframes: ['1h'], apiBase: `http://127.0.0.1:${closed}`, timeoutMs: 2000 },
        ],
        strategies: [...FAST_STRATEGIES.map((s) => ({ ...s, timeframes: ['1h'] })), { name: 'ema-cross', timeframes: ['1m'], params: { fast: 3, slow: 5 } }],
        scan: { candles: 100 },
      }),
    );
    const env = { TELEGRAM_BOT_TOKEN: DEFAULT_FAKE_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot };
    const { out, ready } = await runStart(['--config', config], 150_000, { env, readyLine: /scanning .* Ctrl-C to stop\./ });
    assert.ok(ready, out);
    const at = (re: RegExp) => {
      const m = re.exec(out);
      assert.ok(m, `${re} missing:\n${out}`);
      return m.index;
    };
    // Token first, before the stack.
    assert.ok(at(/^Telegram bot token OK: @\S+/m) < at(/^local AWS stack up/m), out);
    assert.ok(telegram.calls.some((c) => c.method === 'getMe'));
    // Each exchange once, before the scheduler.
    const scheduling = at(/^scanning 1m, 1h just after every candle close\. Ctrl-C to stop\.$/m);
    assert.ok(at(/^ {2}binance: 2 markets OK$/m) < scheduling, out);
    assert.ok(at(/^ {2}bybit: NETWORK — the exchange could not be reached \(no internet, DNS failure, connection refused or a firewall\)\. The bot keeps running and tries again at every scan\./m) < scheduling, out);
    assert.equal(sim.hits.exchangeInfo, 1, 'markets loaded once (then cached for the scans)');
    // What will run when.
    const ts = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC';
    assert.match(out, new RegExp(`^ {2}scan 1m: next at ${ts}, then after every 1m close — ema-cross on binance BTC/USDT, ETH/USDT$`, 'm'));
    const oneHour = new RegExp(`^ {2}scan 1h: next at ${ts}, then after every 1h close — (.+) on binance BTC/USDT, ETH/USDT; bybit BTC/USDT$`, 'm').exec(out);
    assert.ok(oneHour, out);
    assert.deepEqual(oneHour[1]!.split(', ').sort(), [...new Set(FAST_STRATEGIES.map((s) => s.name))].sort());
    assert.match(out, /^ {2}monitor: every minute/m);
    assert.match(out, /^log lines \(JSON, level \w+; LOG_LEVEL to change\): \.local\/candlebot\.log/m);
    assert.doesNotMatch(out, /^\{"level":/m, 'a JSON log line on the console');
    assert.ok(!out.includes(DEFAULT_FAKE_TOKEN), 'the token was printed');
    assert.doesNotMatch(out, /\n\s+at \S+ \(/, 'a stack trace');
  });

  it('--verbose prints the JSON log lines on the console instead of the log file', async () => {
    const data = join(dir, 'short');
    mkdirSync(data);
    const rows = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/replay/ETH_BTC-5m.json'), 'utf8')) as unknown[];
    writeFileSync(join(data, 'ETH_BTC-5m.json'), JSON.stringify(rows.slice(0, 80)));
    const { code, out } = await runStart(['--replay', data, '--verbose'], 120_000, { env: { LOG_LEVEL: 'INFO' } });
    assert.equal(code, 0, out);
    assert.match(out, /^log lines \(JSON, level INFO; LOG_LEVEL to change\): the console \(--verbose\)$/m);
    const signals = Number(/^replay done: \d+ candle closes scanned, (\d+) signals recorded/m.exec(out)?.[1]);
    assert.ok(signals > 0, out);
    assert.equal(out.match(/^\{"level":"INFO","message":"signal recorded"/gm)?.length, signals, 'each signal logged on the console');
  });

  it('a token Telegram refuses (401) stops at once with exit 1, before the local stack starts', async () => {
    const wrong = '987654321:AAWrongTokenForCandlebotTests_abcdefghij';
    const before = telegram.calls.length;
    const { code, out } = await runStart([], 60_000, { env: { TELEGRAM_BOT_TOKEN: wrong, TELEGRAM_API_ROOT: telegram.apiRoot } });
    assert.equal(code, 1, out);
    assert.match(out, /Telegram refused TELEGRAM_BOT_TOKEN \(getMe at http:\/\/127\.0\.0\.1:\d+: 401 Unauthorized\).*Nothing was started\./);
    assert.doesNotMatch(out, /local AWS stack|DynamoDB Local/, 'the local stack was started');
    assert.ok(telegram.calls.slice(before).some((c) => c.method === 'getMe'), 'getMe was asked');
    assert.ok(!out.includes(wrong.split(':')[1]!), 'the token was printed');
    assert.doesNotMatch(out, /\n\s+at \S+ \(/, 'a stack trace');
  });
});
