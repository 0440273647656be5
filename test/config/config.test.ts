import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../../lib/config/load.js';
import { parseEnv, scanEnvSchema } from '../../lib/config/env.js';
import { strategiesFor, scannedTimeframes } from '../../lib/config/schema.js';
import { ConfigError } from '../../lib/errors.js';

const minimal = () => ({
  exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }],
  strategies: [{ name: 'ema-cross' }],
});

function configError(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('config was accepted');
}

describe('bot config', () => {
  it('the shipped candlebot.config.example.yml is valid, deeply frozen and has defaults applied', () => {
    const config = loadConfigFile('candlebot.config.example.yml');
    assert.ok(config.exchanges.length >= 1);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.exchanges[0]) && Object.isFrozen(config.strategies[0]!.params));
    const ema = config.strategies.find((s) => s.name === 'ema-cross');
    assert.deepEqual(ema?.params, { fast: 9, slow: 21, atr: 14, stopAtr: 1.5, takeAtr: 3 });
    assert.ok(config.exchanges.every((e) => e.timeoutMs === 10_000));
    assert.throws(() => {
      (config.scan as { concurrency: number }).concurrency = 99;
    }, TypeError);
  });

  it('a minimal config gets every default', () => {
    const config = parseConfig(minimal());
    assert.equal(config.scan.candles, 200);
    assert.equal(config.scan.concurrency, 8);
    assert.equal(config.breaker.failureThreshold, 3);
    assert.deepEqual(config.telegram.adminChatIds, []);
    assert.deepEqual(scannedTimeframes(config), ['1h']);
  });

  it('a bad timeframe names the field and the allowed values', () => {
    const raw = minimal();
    raw.exchanges[0]!.timeframes = ['1h', '2w'];
    const error = configError(raw);
    assert.match(error.message, /exchanges\[0\]\.timeframes\[1\]/);
    assert.match(error.message, /"1m"\|"3m"\|"5m"/);
    assert.equal(error.code, 'INVALID_CONFIG');
  });

  it('an unknown strategy lists the registered ones', () => {
    const error = configError({ ...minimal(), strategies: [{ name: 'moon-shot' }] });
    assert.match(error.message, /strategies\[0\]\.name/);
    assert.match(error.message, /"ema-cross"/);
    assert.match(error.message, /"rsi-reversion"/);
  });

  it('strategy params are validated by the strategy, with their path', () => {
    const error = configError({ ...minimal(), strategies: [{ name: 'ema-cross', params: { fast: 30, slow: 21 } }] });
    assert.match(error.message, /strategies\[0\]\.params/);
    const typo = configError({ ...minimal(), strategies: [{ name: 'ema-cross', params: { fast: 'nine' } }] });
    assert.match(typo.message, /strategies\[0\]\.params\.fast/);
  });

  it('scan.candles must cover every strategy warm-up', () => {
    const error = configError({ ...minimal(), scan: { candles: 20 }, strategies: [{ name: 'ema-cross', params: { slow: 50 } }] });
    assert.match(error.message, /scan\.candles: must be at least \d+ for strategy "ema-cross"/);
  });

  it('rejects unknown keys, bad symbols, duplicate exchanges, both stake kinds, timeframes no exchange scans', () => {
    assert.match(configError({ ...minimal(), scna: {} }).message, /Unrecognized key.*scna/);
    const lower = minimal();
    lower.exchanges[0]!.symbols = ['btc/usdt'];
    assert.match(configError(lower).message, /exchanges\[0\]\.symbols\[0\]: expected a spot symbol/);
    const dup = minimal();
    dup.exchanges.push({ ...dup.exchanges[0]! });
    assert.match(configError(dup).message, /exchange "binance" is listed twice/);
    assert.match(configError({ ...minimal(), risk: { stakeFraction: 0.1, stakeFixed: 10 } }).message, /exactly one of risk\.stakeFraction or risk\.stakeFixed/);
    assert.match(configError({ ...minimal(), strategies: [{ name: 'ema-cross', timeframes: ['4h'] }] }).message, /timeframe "4h" is not scanned/);
  });

  it('risk.trailAtr and risk.maxBars are optional (off by default) and validated', () => {
    const config = parseConfig(minimal());
    assert.equal(config.risk.trailAtr, undefined);
    assert.equal(config.risk.maxBars, undefined);
    const on = parseConfig({ ...minimal(), risk: { stakeFixed: 10, trailAtr: 2.5, maxBars: 48 } });
    assert.deepEqual([on.risk.trailAtr, on.risk.maxBars], [2.5, 48]);
    assert.match(configError({ ...minimal(), risk: { stakeFixed: 10, trailAtr: 0 } }).message, /risk\.trailAtr/);
    assert.match(configError({ ...minimal(), risk: { stakeFixed: 10, maxBars: 0 } }).message, /risk\.maxBars/);
    assert.match(configError({ ...minimal(), risk: { stakeFixed: 10, maxBars: 1.5 } }).message, /risk\.maxBars/);
  });

  it('every problem is reported at once', () => {
    const raw = { exchanges: [{ id: 'Binance!', symbols: [], timeframes: ['1h'] }], strategies: [] };
    const lines = configError(raw).message.split('\n').filter((l) => l.startsWith('  - '));
    assert.ok(lines.length >= 3, lines.join('\n'));
  });

  it('strategiesFor filters by timeframe', () => {
    const config = parseConfig({
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h', '4h'] }],
      strategies: [{ name: 'ema-cross' }, { name: 'rsi-reversion', timeframes: ['4h'] }],
    });
    assert.deepEqual(strategiesFor(config, '1h').map((s) => s.name), ['ema-cross']);
    assert.deepEqual(strategiesFor(config, '4h').map((s) => s.name), ['ema-cross', 'rsi-reversion']);
  });

  it('file errors are specific: missing file, not YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'candlebot-config-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    assert.throws(() => loadConfigFile(join(dir, 'nope.yml')), (e: ConfigError) => e.code === 'CONFIG_UNREADABLE' && /cannot read config file/.test(e.message));
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'exchanges: [\n  - id: binance\n');
    assert.throws(() => loadConfigFile(bad), (e: ConfigError) => e.code === 'CONFIG_NOT_YAML');
  });
});

describe('scan environment', () => {
  const good = { SIGNALS_TABLE: 'sig', STATE_TABLE: 'state', NOTIFY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q' };

  it('accepts the deployed variables and applies defaults', () => {
    const env = parseEnv(scanEnvSchema, good);
    assert.equal(env.CANDLEBOT_CONFIG_PATH, 'candlebot.config.yml');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.ok(Object.isFrozen(env));
  });

  it('names every missing or bad variable', () => {
    assert.throws(
      () => parseEnv(scanEnvSchema, { SIGNALS_TABLE: 'sig', NOTIFY_QUEUE_URL: 'not a url' }),
      (e: ConfigError) => e.code === 'INVALID_ENV' && /STATE_TABLE/.test(e.message) && /NOTIFY_QUEUE_URL/.test(e.message),
    );
  });
});
