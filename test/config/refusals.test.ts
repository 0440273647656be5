/**
 * Config that validates but cannot work (issue 12 items 5 and 6): every case here used to be
 * accepted at load and failed (or silently misbehaved) only later, at scan or open time.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../../lib/config/load.js';
import { ConfigError } from '../../lib/errors.js';
import { signalId } from '../../lib/core/signal.js';
import { money } from '../../lib/core/money.js';

const minimal = () => ({
  exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }] as { id: string; symbols: string[]; timeframes: string[] }[],
  strategies: [{ name: 'ema-cross' }] as Record<string, unknown>[],
});

function refused(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_CONFIG');
    return error.message;
  }
  assert.fail(`config was accepted: ${JSON.stringify(raw)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'candlebot-config-refusals-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function yamlFile(text: string): string {
  const file = join(dir, `c${++fileNo}.yml`);
  writeFileSync(file, text);
  return file;
}
function fileRefused(text: string): string {
  try {
    loadConfigFile(yamlFile(text));
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`config was accepted:\n${text}`);
}

describe('config refusals: entries that would collide', () => {
  it('two entries of one strategy on the same timeframe are refused: they would share signal ids', () => {
    const twice = { ...minimal(), strategies: [{ name: 'ema-cross' }, { name: 'ema-cross', params: { fast: 5, slow: 50 } }] };
    assert.match(refused(twice), /strategies\[1\]: strategy "ema-cross" already runs on 1h \(strategies\[0\]\).*same signal ids/);
    // Overlap through an explicit list on one side and "every timeframe" on the other.
    const overlap = {
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h', '4h'] }],
      strategies: [{ name: 'rsi-reversion', timeframes: ['4h'] }, { name: 'rsi-reversion', params: { period: 7 } }],
    };
    assert.match(refused(overlap), /strategies\[1\]: strategy "rsi-reversion" already runs on 4h \(strategies\[0\]\)/);
  });

  it('one strategy on disjoint timeframes is still accepted, and signal ids of single entries are unchanged', () => {
    const config = parseConfig({
      exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h', '4h'] }],
      strategies: [{ name: 'ema-cross', timeframes: ['1h'] }, { name: 'ema-cross', timeframes: ['4h'], params: { fast: 5, slow: 50 } }],
    });
    assert.equal(config.strategies.length, 2);
    assert.equal(signalId({ strategy: 'ema-cross', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', candleTime: 0 }), 'ema-cross#binance#BTC/USDT#1h#0');
  });

  it('a symbol listed twice on one exchange is refused (the same symbol on two exchanges is fine)', () => {
    const raw = minimal();
    raw.exchanges[0]!.symbols = ['BTC/USDT', 'ETH/USDT', 'BTC/USDT'];
    assert.match(refused(raw), /exchanges\[0\]\.symbols\[2\]: "BTC\/USDT" is listed twice \(also at \[0\]\)/);
    const two = minimal();
    two.exchanges.push({ id: 'bybit', symbols: ['BTC/USDT'], timeframes: ['1h'] });
    assert.equal(parseConfig(two).exchanges.length, 2);
  });

  it('a timeframe listed twice is refused, on an exchange and on a strategy', () => {
    const raw = minimal();
    raw.exchanges[0]!.timeframes = ['1h', '4h', '1h'];
    assert.match(refused(raw), /exchanges\[0\]\.timeframes\[2\]: "1h" is listed twice/);
    assert.match(refused({ ...minimal(), strategies: [{ name: 'ema-cross', timeframes: ['1h', '1h'] }] }), /strategies\[0\]\.timeframes\[1\]: "1h" is listed twice/);
  });

  it('an exchange id or an admin chat listed twice is refused', () => {
    const raw = minimal();
    raw.exchanges.push({ ...raw.exchanges[0]!, symbols: ['ETH/USDT'] });
    assert.match(refused(raw), /exchanges\[1\]\.id: exchange "binance" is listed twice \(also exchanges\[0\]\)/);
    assert.match(refused({ ...minimal(), telegram: { adminChatIds: [5, 7, 5] } }), /telegram\.adminChatIds\[2\]: 5 is listed twice/);
  });
});

describe('config refusals: prototype keys', () => {
  it('yaml@2 turns `__proto__:` into an own key; it is refused anywhere, like constructor and prototype', () => {
    const base = 'exchanges: [{ id: binance, symbols: [BTC/USDT], timeframes: [1h] }]\n';
    assert.match(
      fileRefused(`${base}strategies:\n  - name: ema-cross\n    params: { __proto__: { fast: 3 }, slow: 30 }\n`),
      /strategies\[0\]\.params\.__proto__: the key "__proto__" is not allowed/,
    );
    assert.match(fileRefused(`${base}strategies: [{ name: ema-cross }]\n__proto__: { risk: 1 }\n`), /  - __proto__: the key "__proto__" is not allowed/);
    assert.match(fileRefused(`${base}strategies: [{ name: ema-cross, params: { constructor: 1 } }]\n`), /strategies\[0\]\.params\.constructor: the key "constructor" is not allowed/);
    assert.match(
      fileRefused(`exchanges: [{ id: binance, symbols: [BTC/USDT], timeframes: [1h], prototype: x }]\nstrategies: [{ name: ema-cross }]\n`),
      /exchanges\[0\]\.prototype: the key "prototype" is not allowed/,
    );
    assert.match(fileRefused(`${base}strategies: [{ name: ema-cross }]\ntelegram: { delivery: { __proto__: null } }\n`), /telegram\.delivery\.__proto__/);
  });

  it('objects built in code with an own __proto__ key are refused too (JSON.parse makes one)', () => {
    const raw = JSON.parse('{"exchanges":[{"id":"binance","symbols":["BTC/USDT"],"timeframes":["1h"]}],"strategies":[{"name":"ema-cross","params":{"__proto__":{"fast":3}}}]}');
    assert.match(refused(raw), /strategies\[0\]\.params\.__proto__: the key "__proto__" is not allowed/);
  });
});

describe('config refusals: numbers the ledger or DynamoDB cannot hold, and absurd ones', () => {
  it('risk.startingBalance 1e16 is refused with the bound and why; the bound itself is accepted', () => {
    const message = refused({ ...minimal(), risk: { startingBalance: 1e16, stakeFraction: 0.1 } });
    assert.match(message, /risk\.startingBalance: must be at most 100000/);
    assert.match(message, /10 decimal places/);
    assert.match(message, /15 significant digits/);
    assert.equal(parseConfig({ ...minimal(), risk: { startingBalance: 100_000, stakeFraction: 0.1 } }).risk.startingBalance, 100_000);
    assert.match(refused({ ...minimal(), risk: { startingBalance: 100_000.5, stakeFraction: 0.1 } }), /risk\.startingBalance: must be at most 100000/);
  });

  it('the bound keeps ledger arithmetic on the 1e-10 grid exact with headroom for growth (why 1e5)', () => {
    // Amounts of up to 15 significant digits survive decimal → double → decimal; with 10
    // decimals that is 5 integer digits. Check sums of grid amounts up to 5× the bound.
    const cases: [string, string][] = [
      ['99999.9999999999', '0.0000000001'],
      ['12345.6789012345', '87654.3210987654'],
      ['250000.1234567891', '249999.8765432109'],
    ];
    for (const [a, b] of cases) {
      const exact = (BigInt(a.replace('.', '')) + BigInt(b.replace('.', ''))).toString().padStart(11, '0');
      const expected = `${exact.slice(0, -10)}.${exact.slice(-10)}`.replace(/\.?0+$/, '');
      assert.equal(money(Number(a) + Number(b)).toString(), expected, `${a} + ${b}`);
    }
  });

  it('stakeFixed above startingBalance, or a stake too small for the money grid, is refused', () => {
    assert.match(
      refused({ ...minimal(), risk: { startingBalance: 1000, stakeFixed: 1500 } }),
      /risk\.stakeFixed: 1500 is more than risk\.startingBalance \(1000\)/,
    );
    assert.match(refused({ ...minimal(), risk: { startingBalance: 1000, stakeFraction: 1e-12 } }), /risk\.stakeFraction: the first stake .* is below 0\.000001/);
    assert.match(refused({ ...minimal(), risk: { startingBalance: 1e-300, stakeFraction: 1 } }), /risk\.startingBalance/);
  });

  it('unbounded numbers get bounds: trailAtr, maxBars, markets.cacheHours, strategy stop/take multiples', () => {
    assert.match(refused({ ...minimal(), risk: { stakeFixed: 10, trailAtr: 1e300 } }), /risk\.trailAtr/);
    assert.match(refused({ ...minimal(), risk: { stakeFixed: 10, maxBars: 1e12 } }), /risk\.maxBars/);
    assert.match(refused({ ...minimal(), markets: { cacheHours: 1e-300 } }), /markets\.cacheHours/);
    assert.match(refused({ ...minimal(), strategies: [{ name: 'ema-cross', params: { takeAtr: 1e300 } }] }), /strategies\[0\]\.params\.takeAtr: must be at most 100/);
    assert.match(refused({ ...minimal(), strategies: [{ name: 'macd-trend', params: { stopAtr: 500 } }] }), /strategies\[0\]\.params\.stopAtr: must be at most 100/);
  });
});

describe('config refusals: values the adapters refuse later', () => {
  it('an apiBase the exchange adapter would refuse (not http(s), query, fragment) is refused at load', () => {
    const withBase = (apiBase: string) => ({ ...minimal(), exchanges: [{ ...minimal().exchanges[0]!, apiBase }] });
    assert.match(refused(withBase('ftp://127.0.0.1:21')), /exchanges\[0\]\.apiBase: apiBase must be http\(s\)/);
    assert.match(refused(withBase('http://127.0.0.1:8080/?x=1')), /exchanges\[0\]\.apiBase: apiBase must not have a query or fragment/);
    assert.equal(parseConfig(withBase('http://127.0.0.1:8080/')).exchanges[0]!.apiBase, 'http://127.0.0.1:8080/');
  });
});

describe('alerts.email (the optional e-mail subscription of the alerts topic)', () => {
  it('is accepted when it is an e-mail address, absent by default', () => {
    assert.equal(parseConfig({ ...minimal(), alerts: { email: 'ops@example.com' } }).alerts.email, 'ops@example.com');
    assert.equal(parseConfig(minimal()).alerts.email, undefined);
  });
  it('is refused by path when it is not one, or carries an unknown key', () => {
    assert.match(refused({ ...minimal(), alerts: { email: 'trader at example' } }), /alerts\.email: must be an e-mail address/);
    assert.match(refused({ ...minimal(), alerts: { mail: 'ops@example.com' } }), /alerts/);
  });
});
