import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OhlcvRow } from '../../lib/core/candle.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import { PermanentError } from '../../lib/errors.js';
import { loadRows } from './reference.js';

const M5 = 5 * 60_000;
const T = Date.UTC(2024, 0, 1, 10, 0); // 2024-01-01T10:00:00.000Z
const iso = (i: number) => new Date(T + i * M5).toISOString();

function good(n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) => [T + i * M5, 10, 12, 9, 11, 5]);
}

function expectInvalid(rows: readonly (readonly unknown[])[], message: RegExp): void {
  const r = validateCandles(rows, '5m');
  assert.equal(r.ok, false, 'expected the rows to be rejected');
  if (r.ok) return;
  assert.ok(r.error instanceof PermanentError);
  assert.equal(r.error.code, 'INVALID_CANDLE');
  assert.match(r.error.message, message);
}

function withRow(index: number, row: unknown): unknown[][] {
  const rows: unknown[][] = good(4);
  rows[index] = row as unknown[];
  return rows;
}

describe('validateCandles', () => {
  it('accepts good rows, returns fresh tuples and no gaps', () => {
    const raw = good(4);
    const r = validateCandles(raw, '5m');
    assert.ok(r.ok);
    assert.deepEqual(r.rows, raw);
    assert.notEqual(r.rows[0], raw[0]);
    assert.deepEqual(r.gaps, []);
  });

  it('accepts an empty input', () => {
    assert.deepEqual(validateCandles([], '1h'), { ok: true, rows: [], gaps: [] });
  });

  it('accepts flat candles (open = high = low = close) and zero volume', () => {
    assert.ok(validateCandles([[T, 5, 5, 5, 5, 0]], '5m').ok);
  });

  it('rejects a row that is not an array of 6', () => {
    expectInvalid(withRow(2, [T + 2 * M5, 10, 12, 9, 11]), new RegExp(`index 2 \\(${iso(2)}\\).*not an array of 6 values \\(got 5\\)`));
    expectInvalid(withRow(1, [T + M5, 10, 12, 9, 11, 5, 7]), /index 1 .*not an array of 6 values \(got 7\)/);
    expectInvalid(withRow(0, null), /index 0 \(time undefined\): row is not an array of 6 values \(got null\)/);
    expectInvalid(withRow(3, { time: 1 }), /index 3 .*not an array of 6 values \(got a object\)/);
  });

  it('rejects null / NaN / Infinity / string values, naming the field', () => {
    expectInvalid(withRow(1, [null, null, null, null, null, null]), /index 1 \(time null\): time is not a finite number \(got null\)/);
    expectInvalid(withRow(2, [T + 2 * M5, 10, Number.NaN, 9, 11, 5]), new RegExp(`index 2 \\(${iso(2)}\\): high is not a finite number \\(got NaN\\)`));
    expectInvalid(withRow(1, [T + M5, 10, 12, 9, 11, Number.POSITIVE_INFINITY]), /index 1 .*volume is not a finite number \(got Infinity\)/);
    expectInvalid(withRow(1, [T + M5, 10, 12, 9, '11', 5]), /index 1 .*close is not a finite number \(got the string "11"\)/);
    expectInvalid(withRow(1, [T + M5, 10, 12, Number.NEGATIVE_INFINITY, 11, 5]), /low is not a finite number \(got -Infinity\)/);
  });

  it('rejects prices <= 0 and negative volume', () => {
    expectInvalid(withRow(1, [T + M5, 0, 12, 9, 11, 5]), new RegExp(`index 1 \\(${iso(1)}\\): open must be > 0 \\(got 0\\)`));
    expectInvalid(withRow(1, [T + M5, 10, 12, -1, 11, 5]), /low must be > 0 \(got -1\)/);
    expectInvalid(withRow(2, [T + 2 * M5, 10, 12, 9, 11, -0.5]), /index 2 .*volume must be >= 0 \(got -0.5\)/);
  });

  it('rejects high below the body and low above it', () => {
    expectInvalid(withRow(1, [T + M5, 10, 10.5, 9, 11, 5]), /index 1 .*high 10.5 is below max\(open, close\) 11/);
    expectInvalid(withRow(1, [T + M5, 10, 12, 10.2, 11, 5]), /index 1 .*low 10.2 is above min\(open, close\) 10/);
  });

  it('rejects times that are not strictly increasing', () => {
    expectInvalid(withRow(2, [T + M5, 10, 12, 9, 11, 5]), new RegExp(`index 2 \\(${iso(1)}\\): time is not after the previous candle's \\(${iso(1)}\\)`));
    expectInvalid(withRow(3, [T, 10, 12, 9, 11, 5]), /index 3 .*not after the previous candle's/);
  });

  it('rejects times not aligned to the timeframe', () => {
    expectInvalid(withRow(1, [T + M5 + 60_000, 10, 12, 9, 11, 5]), new RegExp(`index 1 \\(${new Date(T + M5 + 60_000).toISOString()}\\): time ${T + M5 + 60_000} is not aligned to the 5m timeframe`));
    expectInvalid(withRow(1, [T + M5 + 0.5, 10, 12, 9, 11, 5]), /is not aligned/);
  });

  it('reports gaps with the number of missing candles', () => {
    const rows = [good(1)[0]!, [T + 3 * M5, 10, 12, 9, 11, 5], [T + 4 * M5, 10, 12, 9, 11, 5], [T + 10 * M5, 10, 12, 9, 11, 5]];
    const r = validateCandles(rows, '5m');
    assert.ok(r.ok);
    assert.deepEqual(r.gaps, [
      { from: T, to: T + 3 * M5, missing: 2 },
      { from: T + 4 * M5, to: T + 10 * M5, missing: 5 },
    ]);
  });

  it('real data: ETH_BTC-5m is valid without gaps; GAPPY_BTC-1m has 171 gaps / 278 missing candles', () => {
    const eth = validateCandles(loadRows('ETH_BTC-5m.json'), '5m');
    assert.ok(eth.ok);
    assert.equal(eth.rows.length, 5760);
    assert.equal(eth.gaps.length, 0);

    const gappy = validateCandles(loadRows('GAPPY_BTC-1m.first2000.json'), '1m');
    assert.ok(gappy.ok);
    assert.equal(gappy.rows.length, 2000);
    assert.equal(gappy.gaps.length, 171);
    assert.equal(gappy.gaps.reduce((s, g) => s + g.missing, 0), 278);
    for (const g of gappy.gaps) assert.equal((g.to - g.from) / 60_000 - 1, g.missing);
    // 2000 rows + 278 missing = the whole span, minute by minute
    assert.equal((gappy.rows.at(-1)![0] - gappy.rows[0]![0]) / 60_000 + 1, 2000 + 278);
    // the same rows are unaligned for 1h
    assert.equal(validateCandles(loadRows('GAPPY_BTC-1m.first2000.json'), '1h').ok, false);
  });
});

describe('splitClosed', () => {
  const rows: OhlcvRow[] = [0, 1, 2, 3].map((i) => [T + i * M5, 10, 12, 9, 11, 5] as const);

  it('a row is closed when time + tf <= now; the next one is forming; later rows are dropped', () => {
    assert.deepEqual(splitClosed(rows, T + 2 * M5, '5m'), { closed: rows.slice(0, 2), forming: rows[2] });
    assert.deepEqual(splitClosed(rows, T + 2 * M5 - 1, '5m'), { closed: rows.slice(0, 1), forming: rows[1] });
    assert.deepEqual(splitClosed(rows, T + M5 / 2, '5m'), { closed: [], forming: rows[0] });
  });

  it('all closed: no forming key', () => {
    const r = splitClosed(rows, T + 4 * M5, '5m');
    assert.deepEqual(r, { closed: rows });
    assert.equal('forming' in r, false);
  });

  it('empty input', () => {
    assert.deepEqual(splitClosed([], T, '1m'), { closed: [] });
  });
});
