/**
 * `npm run trade:check` (lib/cli/trade-check.ts) against the Binance simulator on 127.0.0.1,
 * through the real ccxt trading adapter: a passing live check, each refusal (keys that can
 * withdraw, keys that cannot trade, keys the exchange refuses, the clock, the balance, a market
 * minimum above the stake), paper mode with and without keys, the keys from Secrets Manager,
 * and the exit codes. No output line ever holds a key.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, runTradeCheck } from '../../lib/cli/trade-check.js';
import { modeLine } from '../../lib/cli/trade-check-text.js';
import { parseConfig } from '../../lib/config/load.js';
import { liveTradingOf } from '../../lib/config/trading-schema.js';
import { startBinanceSim, type BinanceSim, type SimAccountOptions } from '../support/exchange-sim/binance-sim.js';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/fake-secrets-manager.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const API_KEY = 'simApiKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR';
const SECRET = 'simSecret0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';
const KEY_ENV = { CANDLEBOT_BINANCE_API_KEY: API_KEY, CANDLEBOT_BINANCE_SECRET: SECRET };
const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const LIVE = 'mode: live\n      budget: 200\n      stake: 20\n      dailyLossLimit: 30';

const dir = tempDir('candlebot-trade-check-');
let fileNo = 0;
function configFile(apiBase: string, trading: string | undefined): string {
  const file = join(dir, `config-${++fileNo}.yml`);
  const tradingBlock = trading === undefined ? '' : `    trading:\n      ${trading}\n`;
  writeFileSync(
    file,
    `exchanges:\n  - id: binance\n    symbols: [${SYMBOLS.join(', ')}]\n    timeframes: [1h]\n    apiBase: ${apiBase}\n    timeoutMs: 3000\n${tradingBlock}` +
      'strategies:\n  - name: ema-cross\n',
  );
  return file;
}

const sims: BinanceSim[] = [];
async function sim(account: Partial<SimAccountOptions> = {}, filters: Parameters<typeof startBinanceSim>[0]['filters'] = {}): Promise<BinanceSim> {
  const s = await startBinanceSim({ symbols: SYMBOLS, nowMs: Date.now(), account: { apiKey: API_KEY, secret: SECRET, balances: { USDT: 1000 }, ...account }, filters });
  sims.push(s);
  return s;
}
after(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

/** Runs the check in process with exactly `env`; every line written, and the exit code. */
async function check(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runTradeCheck(args, env, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  const out = lines.join('\n');
  for (const value of [API_KEY, SECRET]) assert.ok(!out.includes(value), `no output line may hold a key:\n${out}`);
  return { code, out };
}

const line = (out: string, re: RegExp): string => {
  const found = out.split('\n').find((l) => re.test(l));
  assert.ok(found, `no line matches ${re}:\n${out}`);
  return found;
};

describe('trade:check: a live exchange (the simulator through ccxt)', () => {
  it('passes with trading keys that cannot withdraw, enough balance and stakes above every minimum; prints what the bot may do', async () => {
    const s = await sim();
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], KEY_ENV);
    assert.equal(code, EXIT.ok, out);
    assert.match(out, new RegExp(`^mode: LIVE against ${s.url.replace(/[.]/g, '[.]')}`, 'm'));
    assert.match(out, /^keys: from environment CANDLEBOT_BINANCE_API_KEY \/ CANDLEBOT_BINANCE_SECRET$/m);
    assert.match(line(out, /clock:/), /^ {2}ok +clock: (in step with|\d+ ms (ahead of|behind)) binance/);
    assert.match(line(out, /permissions:/), /ok +permissions: can trade, cannot withdraw$/);
    assert.match(line(out, /balance:/), /ok +balance: USDT free 1000 \(in orders 0\) covers the budget \(200 USDT\)/);
    for (const symbol of SYMBOLS) assert.match(line(out, new RegExp(`market ${symbol}:`)), /ok +market .*: one stake buys [\d.]+ (BTC|ETH) at [\d.]+ \(notional [\d.]+ USDT; minimum amount 0\.00001 \w+, minimum notional 5 USDT\)/);
    assert.match(out, /stake per trade: +at most 20 USDT/);
    assert.match(out, /open positions: +at most 5 at once/);
    assert.match(out, /daily loss limit: +30 USDT/);
    assert.match(out, /drawdown stop: +equity 25 % below its peak halts new entries until \/resume/);
    assert.match(out, /cooldown: +60 min/);
    assert.match(out, /exits: +one OCO sell on the exchange per position .*; if it cannot be placed: admins alerted and the position sold at market at once/);
    assert.match(out, /^result: OK — the exchange would accept the bot's orders$/m);
    assert.equal(s.orders().length, 0, 'nothing was ordered');
    // The request log sees every endpoint (so "nothing contacted" below is a real check).
    assert.ok(s.requestLog.some((r) => r.path === '/sapi/v1/account/apiRestrictions'), 'the permissions were asked');
    assert.ok(!s.requestLog.some((r) => r.path === '/api/v3/order'), 'no order endpoint was called');
  });

  it('refuses keys that can withdraw (exit 1), naming the danger', async () => {
    const s = await sim({ enableWithdrawals: true });
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], KEY_ENV);
    assert.equal(code, EXIT.refused, out);
    assert.match(line(out, /permissions:/), /REFUSED +permissions: these keys can WITHDRAW funds: a leaked key could empty the account/);
    assert.match(out, /^result: REFUSED — 1 check\(s\) failed: permissions; fix them before trading live$/m);
  });

  it('refuses keys without trading permission (exit 1)', async () => {
    const s = await sim({ canTrade: false });
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], KEY_ENV);
    assert.equal(code, EXIT.refused, out);
    assert.match(line(out, /permissions:/), /REFUSED +permissions: these keys cannot trade/);
  });

  it('refuses keys the exchange does not accept (exit 1), without printing them', async () => {
    const s = await sim({ apiKey: 'anotherKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP' });
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], KEY_ENV);
    assert.equal(code, EXIT.refused, out);
    assert.match(line(out, /permissions:/), /REFUSED +permissions: the exchange refused the keys: EXCHANGE_AUTH/);
    assert.match(line(out, /balance:/), /skipped +balance: not checked: the exchange refused the keys/);
  });

  it('refuses a clock too far ahead of the exchange (exit 1) and skips the signed checks; a small skew is a warning', async () => {
    const s = await sim();
    s.setClockSkew(-3000); // the exchange's clock 3 s behind: this machine is 3 s ahead
    const refused = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], KEY_ENV);
    assert.equal(refused.code, EXIT.refused, refused.out);
    assert.match(line(refused.out, /clock:/), /REFUSED +clock: this machine's clock is \d+ ms ahead of binance: binance refuses a signed request stamped more than 1000 ms ahead of its clock, or older than its recvWindow \(5000 ms by default\); synchronise the clock \(NTP\)/);
    assert.match(line(refused.out, /permissions:/), /skipped +permissions: not checked/);
    s.setClockSkew(-700);
    const warned = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], KEY_ENV);
    assert.equal(warned.code, EXIT.ok, warned.out);
    assert.match(line(warned.out, /clock:/), /WARN +clock: this machine's clock is \d+ ms ahead of binance/);
    assert.match(warned.out, /^result: OK — the exchange would accept the bot's orders \(1 warning\(s\) above\)$/m);
  });

  it('refuses a balance below one stake (exit 1); below the budget is a warning', async () => {
    const poor = await sim({ balances: { USDT: 10 } });
    const refused = await check(['--exchange', 'binance', '--config', configFile(poor.url, LIVE)], KEY_ENV);
    assert.equal(refused.code, EXIT.refused, refused.out);
    assert.match(line(refused.out, /balance:/), /REFUSED +balance: USDT free 10 \(in orders 0\) is less than one stake \(20 USDT\): not even the first order could be paid/);
    const short = await sim({ balances: { USDT: 150 } });
    const warned = await check(['--exchange', 'binance', '--config', configFile(short.url, LIVE)], KEY_ENV);
    assert.equal(warned.code, EXIT.ok, warned.out);
    assert.match(line(warned.out, /balance:/), /WARN +balance: USDT free 150 .* is less than the budget \(200 USDT\): orders beyond 150 USDT would be refused/);
  });

  it("refuses a market whose minimum notional is above the stake (exit 1), naming the market's minimums", async () => {
    const s = await sim({}, { 'ETH/USDT': { minNotional: 50 } });
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], KEY_ENV);
    assert.equal(code, EXIT.refused, out);
    assert.match(line(out, /market BTC\/USDT:/), /ok +market BTC\/USDT/);
    assert.match(line(out, /market ETH\/USDT:/), /REFUSED +market ETH\/USDT: an entry of one stake \(20 USDT\) at [\d.]+ would be refused \(min-notional: .*< minimum notional 50\); .*raise the stake or drop the symbol/);
    assert.match(out, /failed: market ETH\/USDT;/);
  });

  it('live without keys cannot check (exit 2) and says where keys go', async () => {
    const s = await sim();
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], {});
    assert.equal(code, EXIT.cannotCheck, out);
    assert.match(out, /trade:check: EXCHANGE_KEYS_MISSING: no API keys for exchange binance: set CANDLEBOT_BINANCE_API_KEY and CANDLEBOT_BINANCE_SECRET/);
  });

  it('an exchange that does not answer is exit 3 (nothing decided)', async () => {
    const s = await sim();
    const url = s.url;
    await s.close();
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(url, LIVE)], KEY_ENV);
    assert.equal(code, EXIT.unreachable, out);
  });
});

describe('trade:check: paper mode, keys, arguments', () => {
  let sm: FakeSecretsManager;
  before(async () => {
    sm = await startFakeSecretsManager();
  });
  after(() => sm?.close());

  it('paper without keys: nothing will be traded, nothing is contacted (exit 0)', async () => {
    const s = await sim();
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(s.url, undefined)]);
    assert.equal(code, EXIT.ok, out);
    assert.match(out, /^mode: PAPER — nothing will be traded on binance/m);
    assert.match(out, /^keys: none \(not needed on paper; before going live set them: environment CANDLEBOT_BINANCE_API_KEY \/ CANDLEBOT_BINANCE_SECRET/m);
    assert.match(out, /nothing on binance: no order is placed/);
    assert.match(out, /^result: OK — paper mode, nothing will be traded and nothing was contacted$/m);
    assert.equal(s.requestLog.length, 0);
  });

  it('paper with keys: the keys are checked all the same (withdrawal keys refused, exit 1; good keys exit 0)', async () => {
    const s = await sim({ enableWithdrawals: true });
    const refused = await check(['--exchange', 'binance', '--config', configFile(s.url, 'mode: paper')], KEY_ENV);
    assert.equal(refused.code, EXIT.refused, refused.out);
    assert.match(refused.out, /^mode: PAPER/m);
    assert.match(line(refused.out, /permissions:/), /REFUSED +permissions: these keys can WITHDRAW/);
    const good = await sim();
    const ok = await check(['--exchange', 'binance', '--config', configFile(good.url, 'mode: paper')], KEY_ENV);
    assert.equal(ok.code, EXIT.ok, ok.out);
    assert.match(line(ok.out, /balance:/), /info +balance: USDT free 1000/);
    assert.match(ok.out, /^result: OK — paper mode, nothing will be traded; the keys pass$/m);
  });

  it('the keys from the Secrets Manager secret <EXCHANGE_SECRET_PREFIX>binance; with the variables as well → exit 2', async () => {
    const s = await sim();
    sm.put('candlebot/dev/exchange/binance', JSON.stringify({ apiKey: API_KEY, secret: SECRET }));
    const env = { EXCHANGE_SECRET_PREFIX: 'candlebot/dev/exchange/', CANDLEBOT_SECRETS_ENDPOINT: sm.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const { code, out } = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], env);
    assert.equal(code, EXIT.ok, out);
    assert.match(out, /^keys: from secret candlebot\/dev\/exchange\/binance$/m);
    const both = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], { ...env, ...KEY_ENV });
    assert.equal(both.code, EXIT.cannotCheck, both.out);
    assert.match(both.out, /EXCHANGE_KEYS_AMBIGUOUS: API keys of exchange binance are set twice/);
    // On paper a secret that does not exist is no problem (nothing is contacted but Secrets Manager); live it is.
    const before = s.requestLog.length;
    const paper = await check(['--exchange', 'binance', '--config', configFile(s.url, undefined)], { ...env, EXCHANGE_SECRET_PREFIX: 'candlebot/other/exchange/' });
    assert.equal(paper.code, EXIT.ok, paper.out);
    assert.match(paper.out, /^keys: none \(not needed on paper: no API keys for exchange binance: the secret candlebot\/other\/exchange\/binance does not exist/m);
    assert.equal(s.requestLog.length, before);
    const live = await check(['--exchange', 'binance', '--config', configFile(s.url, LIVE)], { ...env, EXCHANGE_SECRET_PREFIX: 'candlebot/other/exchange/' });
    assert.equal(live.code, EXIT.cannotCheck, live.out);
    assert.match(live.out, /EXCHANGE_KEYS_MISSING: no API keys for exchange binance: the secret candlebot\/other\/exchange\/binance does not exist/);
  });

  it('arguments: --exchange required, an exchange not in the config, --help (exit 2, 2, 0)', async () => {
    const file = configFile('http://127.0.0.1:9', undefined);
    const missing = await check(['--config', file]);
    assert.equal(missing.code, EXIT.cannotCheck);
    assert.match(missing.out, /--exchange is required/);
    const unknown = await check(['--exchange', 'bybit', '--config', file]);
    assert.equal(unknown.code, EXIT.cannotCheck);
    assert.match(unknown.out, /exchange "bybit" is not in .*config-\d+\.yml \(it lists: binance\)/);
    const help = await check(['--help']);
    assert.equal(help.code, EXIT.ok);
    assert.match(help.out, /^usage: npm run trade:check -- --exchange <id> \[--config <file>\]/);
    assert.match(help.out, /exit: 0 passed .*1 refused .*2 could not check .*3 the exchange or AWS did not answer/);
  });

  it('the entry runs as `npm run trade:check` does and exits with the code', async () => {
    const ok = await runCli('lib/cli/trade-check.ts', ['--exchange', 'binance', '--config', configFile('http://127.0.0.1:9', undefined)]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^result: OK — paper mode/m);
    const bad = await runCli('lib/cli/trade-check.ts', ['--config', configFile('http://127.0.0.1:9', undefined)]);
    assert.equal(bad.code, 2);
  });

  it('the mode line says REAL MONEY for live without the sandbox, TESTNET with it', () => {
    const parsed = (trading: Record<string, unknown>) =>
      parseConfig({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'], trading: { mode: 'live', budget: 200, stake: 20, dailyLossLimit: 30, ...trading } }], strategies: [{ name: 'ema-cross' }] }).exchanges[0]!;
    const real = parsed({ sandbox: false, confirmLive: true });
    assert.match(modeLine(real, liveTradingOf(real)), /^LIVE — REAL MONEY on binance \(sandbox: false, confirmLive: true\)/);
    const testnet = parsed({});
    assert.match(modeLine(testnet, liveTradingOf(testnet)), /^LIVE on the binance TESTNET \(sandbox: true\) — test money only/);
  });
});
