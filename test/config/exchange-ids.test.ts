/**
 * Exchange ids are checked at load (issue 12 item 6): against ccxt's own list (a static copy,
 * so the Lambda never imports all of ccxt; this test keeps it equal to `ccxt.exchanges`), and
 * for a deployment against the exchanges bundled into the functions.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CCXT_EXCHANGE_IDS } from '../../lib/config/ccxt-exchange-ids.js';
import { CCXT_TIMEFRAMES } from '../../lib/config/ccxt-timeframes.js';
import { TIMEFRAMES } from '../../lib/core/timeframe.js';
import { checkDeployable, loadDeployConfig } from '../../lib/config/deploy.js';
import { parseConfig } from '../../lib/config/load.js';
import { closestWord } from '../../lib/config/suggest.js';
import { BUNDLED_EXCHANGE_LOADERS } from '../../lib/exchange/load.js';
import { replayConfig } from '../../lib/cli/replay.js';
import { ConfigError } from '../../lib/errors.js';
import { runCli } from '../support/run-cli.js';

const withExchange = (id: string) => ({
  exchanges: [{ id, symbols: ['BTC/USDT'], timeframes: ['1h'] }],
  strategies: [{ name: 'ema-cross' }],
});

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('config was accepted');
}

const dir = mkdtempSync(join(tmpdir(), 'candlebot-exchange-ids-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('exchange ids', () => {
  it('the static id list is exactly ccxt.exchanges of the installed ccxt', async () => {
    const ccxt = ((await import('ccxt')) as unknown as { default: { exchanges: string[] } }).default;
    assert.deepEqual([...CCXT_EXCHANGE_IDS].sort(), [...ccxt.exchanges].sort());
  });

  it('the static timeframe table is what each installed ccxt exchange offers (none without fetchOHLCV)', async () => {
    type Instance = { timeframes?: Record<string, unknown>; has?: Record<string, unknown> };
    const ccxt = ((await import('ccxt')) as unknown as { default: Record<string, new () => Instance> & { exchanges: string[] } }).default;
    assert.deepEqual(Object.keys(CCXT_TIMEFRAMES).sort(), [...ccxt.exchanges].sort());
    for (const id of ccxt.exchanges) {
      const exchange = new ccxt[id]!();
      const offered = exchange.has?.['fetchOHLCV'] === true ? TIMEFRAMES.filter((tf) => Object.hasOwn(exchange.timeframes ?? {}, tf)) : [];
      assert.equal(CCXT_TIMEFRAMES[id], offered.join(' '), id);
    }
  });

  it('a timeframe the exchange does not offer is refused at load, and so is an exchange without candles', () => {
    const bybit8h = { ...withExchange('bybit'), exchanges: [{ id: 'bybit', symbols: ['BTC/USDT'], timeframes: ['1h', '8h'] }] };
    assert.match(refused(() => parseConfig(bybit8h)), /exchanges\[0\]\.timeframes\[1\]: bybit does not offer 8h candles \(it offers: 1m 3m 5m 15m 30m 1h 2h 4h 6h 12h 1d\)/);
    assert.match(refused(() => parseConfig(withExchange('bitflyer'))), /exchanges\[0\]\.id: ccxt's bitflyer has no candle \(OHLCV\) API/);
    const bad = refused(() => parseConfig({ ...withExchange('bybit'), exchanges: [{ id: 'bybit', symbols: ['BTC/USDT'], timeframes: ['2w'] }] }));
    assert.equal(bad.split('\n').filter((l) => l.includes('timeframes[0]')).length, 1, bad);
  });

  it('every bundled exchange is a ccxt id', () => {
    for (const id of Object.keys(BUNDLED_EXCHANGE_LOADERS)) assert.ok(CCXT_EXCHANGE_IDS.includes(id), id);
  });

  it('an unknown id is refused at load with a suggestion', () => {
    const message = refused(() => parseConfig(withExchange('bybitt')));
    assert.match(message, /exchanges\[0\]\.id: unknown exchange "bybitt" \(not a ccxt exchange id\); did you mean "bybit"\?/);
    assert.match(refused(() => parseConfig(withExchange('binanse'))), /did you mean "binance"\?/);
    // Far from every id: no suggestion, but a pointer to the list.
    const far = refused(() => parseConfig(withExchange('zzzzqqqq')));
    assert.match(far, /unknown exchange "zzzzqqqq"/);
    assert.doesNotMatch(far, /did you mean/);
    // Inherited Object properties are not exchanges.
    assert.match(refused(() => parseConfig(withExchange('constructor'))), /unknown exchange "constructor"/);
  });

  it('closestWord: small edit distance only', () => {
    assert.equal(closestWord('bybitt', CCXT_EXCHANGE_IDS), 'bybit');
    assert.equal(closestWord('krakn', CCXT_EXCHANGE_IDS), 'kraken');
    assert.equal(closestWord('okex', CCXT_EXCHANGE_IDS), 'okx');
    assert.equal(closestWord('abcdefgh', CCXT_EXCHANGE_IDS), undefined);
  });

  it('any ccxt id loads locally; a deployment also requires a bundled one', () => {
    const kraken = parseConfig(withExchange('kraken'));
    assert.equal(kraken.exchanges[0]!.id, 'kraken');
    const message = refused(() => checkDeployable(kraken, 'config'));
    assert.match(message, /exchanges\[0\]\.id: exchange "kraken" is not bundled into the Lambda functions \(bundled: binance, bybit, phemex\)/);
    assert.match(message, /BUNDLED_EXCHANGE_LOADERS in lib\/exchange\/load\.ts/);
    assert.doesNotThrow(() => checkDeployable(parseConfig(withExchange('bybit')), 'config'));
    const file = join(dir, 'kraken.yml');
    writeFileSync(file, stringify(withExchange('kraken')));
    assert.match(refused(() => loadDeployConfig(file)), /kraken" is not bundled/);
  });

  it('the replay exchange ("replay") is built after load and needs no validation', () => {
    const config = replayConfig(parseConfig(withExchange('binance')), [{ symbol: 'BTC/USDT', timeframe: '1h', rows: [] } as never]);
    assert.equal(config.exchanges[0]!.id, 'replay');
  });

  it('npm start -- --once with an unknown id stops at load with the message, before starting the stack', async () => {
    const file = join(dir, 'bybitt.yml');
    writeFileSync(file, stringify(withExchange('bybitt')));
    const { code, stdout, stderr } = await runCli('lib/cli/start.ts', ['--config', file, '--once']);
    assert.equal(code, 1, stdout + stderr);
    assert.match(stderr, /candlebot: invalid config file .*bybitt\.yml:\n {2}- exchanges\[0\]\.id: unknown exchange "bybitt" .*did you mean "bybit"\?/);
    assert.doesNotMatch(stdout, /local AWS stack up/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });
});
