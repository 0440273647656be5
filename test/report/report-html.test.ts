/** The HTML backtest report: structure, marker positions, escaping, no external resources, downsampling. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../lib/backtest/engine.js';
import { fmt } from '../../lib/backtest/format.js';
import { CANDLE_CHART, candleChartLayout, downsampleOhlc, maxDrawdownOf, niceTicks } from '../../lib/backtest/report-html-charts.js';
import { MAX_CHART_CANDLES, MAX_ZOOM_WINDOWS, OVERVIEW_CANDLES, renderBacktestHtml, type HtmlReportInput } from '../../lib/backtest/report-html.js';
import { combineResults, equityCurve, summarize } from '../../lib/backtest/summary.js';
import type { BacktestResult, Trade } from '../../lib/backtest/types.js';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import { emaCross } from '../../lib/core/strategies/ema-cross.js';
import { loadCandles, mulberry32, randomWalk } from '../core/reference.js';

const T0 = 1_700_000_000_000;
const M5 = 300_000;

/** 40 hand-made 5m candles: a slow zig-zag around 100. */
function handSeries(n = 40): Candles {
  const rows: OhlcvRow[] = [];
  for (let i = 0; i < n; i++) {
    const o = 100 + (i % 10);
    const c = o + (i % 2 === 0 ? 1 : -1);
    rows.push([T0 + i * M5, o, Math.max(o, c) + 0.5, Math.min(o, c) - 0.5, c, 1]);
  }
  return candlesFromRows(rows);
}

function trade(symbol: string, side: Trade['side'], entryIdx: number, exitIdx: number, entryPrice: number, exitPrice: number, reason: Trade['exitReason'] = 'signal'): Trade {
  const pnl = (side === 'long' ? exitPrice - entryPrice : entryPrice - exitPrice) - 0.2;
  return { symbol, side, entryTime: T0 + entryIdx * M5, entryPrice, exitTime: T0 + exitIdx * M5, exitPrice, exitReason: reason, pnl, fees: 0.2, bars: exitIdx - entryIdx + 1 };
}

function result(symbol: string, candles: Candles, trades: Trade[]): BacktestResult {
  const n = candles.time.length;
  return { symbol, timeframe: '5m', trades, summary: summarize(trades, { candles: n, firstTime: candles.time[0]!, lastTime: candles.time[n - 1]! }), equity: equityCurve(trades) };
}

function input(series: Array<{ result: BacktestResult; candles: Candles; path?: string }>, extra: Partial<HtmlReportInput> = {}): HtmlReportInput {
  return { strategy: 'ema-cross', params: { fast: 9, slow: 21 }, stake: 100, feeRate: 0.001, series, ...extra };
}

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;

/** `data-trade`, `data-x1`, `data-x2` of every trade group, and the entry path's start. */
function markers(html: string): Array<{ k: number; x1: number; x2: number; entry: string }> {
  const re = /<g class="trade [a-z]+" data-trade="(\d+)" data-x1="([\d.]+)" data-x2="([\d.]+)">.*?<path class="entry (?:long|short)" d="M([\d.]+ [\d.]+)/gs;
  return [...html.matchAll(re)].map((m) => ({ k: Number(m[1]), x1: Number(m[2]), x2: Number(m[3]), entry: m[4]! }));
}

describe('HTML report', () => {
  const hand = handSeries();
  const handTrades = [trade('HAND/BTC', 'long', 3, 7, 103, 106, 'target'), trade('HAND/BTC', 'short', 10, 10, 100.5, 101, 'stop'), trade('HAND/BTC', 'long', 20, 39, 100, 109.5, 'end')];
  const handResult = result('HAND/BTC', hand, handTrades);

  it('places entry and exit markers on the centre of their candles, at the fill prices', () => {
    const html = renderBacktestHtml(input([{ result: handResult, candles: hand }]));
    const layout = candleChartLayout(hand, handTrades);
    // 40 candles: no aggregation, slot = maxSlot (the series is stretched to the plot width).
    assert.equal(layout.buckets.size, 1);
    assert.equal(layout.slot, CANDLE_CHART.maxSlot);
    const xOf = (i: number): number => CANDLE_CHART.padLeft + i * CANDLE_CHART.maxSlot + CANDLE_CHART.maxSlot / 2;
    const found = markers(html);
    assert.equal(found.length, 3);
    const expected: Array<[number, number]> = [
      [3, 7],
      [10, 10],
      [20, 39],
    ];
    expected.forEach(([e, x], k) => {
      assert.equal(found[k]!.k, k);
      assert.equal(found[k]!.x1, xOf(e), `trade ${k} entry x`);
      assert.equal(found[k]!.x2, xOf(x), `trade ${k} exit x`);
      const y1 = Math.round(layout.y(handTrades[k]!.entryPrice) * 10) / 10;
      assert.equal(found[k]!.entry, `${xOf(e)} ${y1}`, `trade ${k} entry tip at the entry price`);
    });
    // the y scale puts higher prices higher up, inside the plot
    assert.ok(layout.y(109.5) < layout.y(100));
    assert.ok(layout.y(layout.yMax) >= CANDLE_CHART.padTop - 1e-9 && layout.y(layout.yMin) <= CANDLE_CHART.padTop + CANDLE_CHART.plotHeight + 1e-9);
    // long ▲ / short ▼, win/loss classes
    assert.match(html, /<g class="trade win" data-trade="0"/);
    assert.match(html, /<g class="trade loss" data-trade="1"/);
    const overview = html.slice(0, html.indexOf('<details class="zoom">'));
    assert.equal(count(overview, /class="entry long"/g), 2);
    assert.equal(count(overview, /class="entry short"/g), 1);
  });

  it('markers land in the aggregated candle that holds the trade', () => {
    const c = handSeries(100);
    const ts = [trade('HAND/BTC', 'long', 0, 9, 100, 101), trade('HAND/BTC', 'short', 50, 99, 100, 99)];
    const layout = candleChartLayout(c, ts, 30); // 100 candles → buckets of 4 → 25 drawn
    assert.equal(layout.buckets.size, 4);
    assert.equal(layout.buckets.time.length, 25);
    assert.deepEqual(
      layout.markers.map((m) => [m.entryBucket, m.exitBucket]),
      [
        [0, 2],
        [12, 24],
      ],
    );
    assert.equal(layout.markers[1]!.x1, Math.round(layout.x(12) * 10) / 10);
  });

  it('is one well-formed page: one svg per chart, summary rows, every trade listed with formatted numbers', () => {
    const rnd = mulberry32(7);
    const a = randomWalk(900, rnd);
    const b = randomWalk(700, rnd, 50);
    const params = emaCross.params.parse({ fast: 5, slow: 13 });
    const ra = runBacktest({ symbol: 'AAA/BTC', timeframe: '1m', candles: a, strategy: emaCross, params, stake: 100, feeRate: 0.001 });
    const rb = runBacktest({ symbol: 'BBB/BTC', timeframe: '1m', candles: b, strategy: emaCross, params, stake: 100, feeRate: 0.001 });
    assert.ok(ra.trades.length > 5 && rb.trades.length > 5);
    const combined = combineResults([ra, rb]);
    const html = renderBacktestHtml({ ...input([{ result: ra, candles: a }, { result: rb, candles: b }]), params: params as unknown as Record<string, unknown>, combined });

    assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'));
    assert.ok(html.trimEnd().endsWith('</html>'));
    for (const tag of ['html', 'head', 'body', 'main', 'svg', 'table', 'thead', 'tbody', 'tr', 'section', 'g', 'text', 'title', 'div', 'p']) {
      assert.equal(count(html, new RegExp(`<${tag}[\\s>]`, 'g')), count(html, new RegExp(`</${tag}>`, 'g')), `<${tag}> balanced`);
    }
    assert.equal(count(html, /<svg class="equity"/g), 1);
    assert.equal(count(html, /<svg class="candles"/g), 2);
    assert.equal(count(html, /<svg class="yaxis"/g), 2);
    assert.equal(count(html, /<svg[\s>]/g) - count(html, /<svg class="(candles|yaxis) zoom"/g), 5);
    assert.equal(count(html, /<section class="card series"/g), 2);
    // title: strategy, params, fee, stake, span
    assert.match(html, /<title>ema-cross backtest: AAA\/BTC 1m, BBB\/BTC 1m<\/title>/);
    assert.match(html, /fast 5 · slow 13 · atr 14 · stopAtr 1\.5 · takeAtr 3/);
    assert.match(html, /<b>stake<\/b> 100 BTC per trade/);
    assert.match(html, /<b>fee<\/b> 0\.001 per side \(0\.1%\)/);
    assert.match(html, /1600 candles, /);
    assert.match(html, /1970-01-01 00:00 → 1970-01-01 14:59 UTC/);
    // summary: one row per series and TOTAL
    assert.match(html, /<tr><th scope="row">AAA\/BTC 1m<\/th>/);
    assert.match(html, /<tr><th scope="row">BBB\/BTC 1m<\/th>/);
    assert.match(html, /<tr class="total"><th scope="row">TOTAL<\/th>/);
    // every trade in its table, pnl with fmt's 6 significant digits and a real minus sign
    const tables = [...html.matchAll(/<table class="trades">.*?<\/table>/g)].map((m) => m[0]);
    assert.equal(tables.length, 2);
    [ra, rb].forEach((r, k) => {
      const rows = [...tables[k]!.matchAll(/<tr><td>(\d+)<\/td>.*?<td class="(?:pos|neg|)">([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td class="(?:pos|neg|)">([^<]*)<\/td><\/tr>/g)];
      assert.equal(rows.length, r.trades.length);
      rows.forEach((row, j) => {
        const t = r.trades[j]!;
        assert.equal(row[1], String(j + 1));
        assert.equal(row[2], fmt(t.pnl).replace('-', '−'));
        // each trade's stop and target, and its return on the stake in % with sign
        assert.equal(row[3], fmt(t.stop!).replace('-', '−'));
        assert.equal(row[4], fmt(t.target!).replace('-', '−'));
        assert.match(row[5]!, /^[+−]?\d+\.\d\d%$/);
        assert.equal(Number(row[5]!.replace('−', '-').replace('%', '')), Number(((t.pnl / 100) * 100).toFixed(2)));
      });
    });
    assert.equal(count(html, /<g class="trade /g), ra.trades.length + rb.trades.length);
    assert.doesNotMatch(html, /NaN|undefined|Infinity|\[object/);
    // deterministic without generatedAt
    assert.equal(renderBacktestHtml({ ...input([{ result: ra, candles: a }, { result: rb, candles: b }]), params: params as unknown as Record<string, unknown>, combined }), html);
    assert.doesNotMatch(html, /generated/);
  });

  it('marks the max drawdown of the total equity curve, equal to the summary', () => {
    const eth = loadCandles('ETH_BTC-5m.json');
    const r = runBacktest({ symbol: 'ETH/BTC', timeframe: '5m', candles: eth, strategy: emaCross, params: emaCross.params.parse({}), stake: 100, feeRate: 0.001 });
    const dd = maxDrawdownOf(r.equity);
    assert.ok(dd !== null);
    assert.ok(Math.abs(dd.amount - r.summary.maxDrawdown) < 1e-9);
    const html = renderBacktestHtml(input([{ result: r, candles: eth }]));
    // one sign convention (as the CLI and JSON): a positive magnitude labelled "max drawdown"
    assert.ok(html.includes(`max drawdown ${fmt(r.summary.maxDrawdown)}</text>`));
    assert.doesNotMatch(html, /max drawdown[^<]*−/);
    assert.equal(count(html, /<g class="dd">/g), 1);
    // no drawdown → no mark
    assert.equal(maxDrawdownOf([{ time: 1, equity: 1 }, { time: 2, equity: 3 }]), null);
    assert.deepEqual(maxDrawdownOf([{ time: 1, equity: -1 }, { time: 2, equity: 2 }, { time: 3, equity: -2 }, { time: 4, equity: 0 }]), { peak: 2, trough: 3, amount: 4 });
  });

  it('escapes every data string: a hostile symbol, path, data argument or param cannot inject markup', () => {
    const evil = '<script>alert(1)</script>';
    const c = handSeries();
    const r = result(evil, c, [trade(evil, 'long', 2, 5, 103, 104)]);
    const html = renderBacktestHtml(
      input([{ result: r, candles: c, path: `/tmp/"><img src=x onerror=alert(1)>/A_B-5m.json` }], {
        data: `</title><iframe>`,
        strategy: `<b onmouseover="x">`,
        params: { fast: 9, note: `</style><script>alert(2)</script>`, 'k"ey': 'v' },
      }),
    );
    assert.doesNotMatch(html, /<script|<img|<iframe|<b onmouseover|<\/style><script/i);
    assert.equal(count(html, /<\/title>/g), count(html, /<title>/g));
    assert.equal(count(html, /<style>/g), 1);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; 5m'));
    assert.ok(html.includes('data-symbol="&lt;script&gt;alert(1)&lt;/script&gt;"'));
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('&lt;/title&gt;&lt;iframe&gt;'));
  });

  it('is self-contained: no script, no link, no src/href, no URL', () => {
    const eth = loadCandles('ETH_BTC-5m.json');
    const r = runBacktest({ symbol: 'ETH/BTC', timeframe: '5m', candles: eth, strategy: emaCross, params: emaCross.params.parse({}), stake: 100, feeRate: 0.001 });
    const html = renderBacktestHtml(input([{ result: r, candles: eth, path: 'test/fixtures/ohlcv/ETH_BTC-5m.json' }], { generatedAt: Date.now() }));
    assert.doesNotMatch(html, /\b(src|href|xlink:href|action|srcset)\s*=/i);
    assert.doesNotMatch(html, /https?:|\/\/[a-z]|@import|url\(|<script|<link|<iframe|<object|<embed|@font-face/i);
    assert.ok(html.length < 1_500_000, `${html.length} bytes`);
  });

  it('downsamples a long series to at most MAX_CHART_CANDLES drawn candles by OHLC aggregation', () => {
    assert.equal(MAX_CHART_CANDLES, 1500);
    const long = randomWalk(10_000, mulberry32(3));
    const d = downsampleOhlc(long);
    assert.equal(d.size, 7);
    assert.equal(d.time.length, Math.ceil(10_000 / 7));
    assert.ok(d.time.length <= MAX_CHART_CANDLES);
    for (const j of [0, 1, 700, d.time.length - 1]) {
      const from = j * 7;
      const to = Math.min(10_000, from + 7);
      assert.equal(d.time[j], long.time[from]);
      assert.equal(d.open[j], long.open[from]);
      assert.equal(d.close[j], long.close[to - 1]);
      assert.equal(d.high[j], Math.max(...long.high.slice(from, to)));
      assert.equal(d.low[j], Math.min(...long.low.slice(from, to)));
    }
    assert.equal(downsampleOhlc(randomWalk(1500, mulberry32(1))).size, 1);
    assert.equal(downsampleOhlc(randomWalk(1501, mulberry32(1))).time.length, 751);

    const r = runBacktest({ symbol: 'LONG/BTC', timeframe: '1m', candles: long, strategy: emaCross, params: emaCross.params.parse({}), stake: 100, feeRate: 0.001 });
    const html = renderBacktestHtml(input([{ result: r, candles: long }]));
    // the overview fits the page (OVERVIEW_CANDLES drawn candles at most: no horizontal scrolling)
    assert.equal(OVERVIEW_CANDLES, 287);
    assert.match(html, /<svg class="candles" [^>]*data-candles="286" data-bucket="35">/);
    assert.match(html, /drawn as 286 candles of 35 × 1m each \(OHLC aggregated; zoom below for full resolution\)/);
    // every trade still has its markers and its row
    assert.equal(count(html, /<g class="trade /g), r.trades.length);
  });

  it('answers "is this any good?": indicator lines, stop/target, return %, buy & hold, plain-decimal prices, zoom, thinned markers', () => {
    // sub-satoshi-scale prices (≈ 3.68e-5) are where exponent notation used to show up
    const c = randomWalk(3000, mulberry32(11), 0.0000368);
    const params = emaCross.params.parse({ fast: 5, slow: 13 });
    const r = runBacktest({ symbol: 'XLM/BTC', timeframe: '5m', candles: c, strategy: emaCross, params, stake: 0.001, feeRate: 0.001 });
    assert.ok(r.trades.length > 20, `${r.trades.length} trades`);
    const lines = emaCross.lines!(c, params);
    const html = renderBacktestHtml({ strategy: 'ema-cross', params, stake: 0.001, feeRate: 0.001, series: [{ result: r, candles: c, lines }] });

    // every number shown (text nodes, SVG labels and tooltips, attribute-free) is a plain decimal
    const texts = [...html.replace(/<style>[\s\S]*?<\/style>/, '').matchAll(/>([^<]+)</g)].map((m) => m[1]!);
    assert.ok(texts.join(' ').includes('XLM/BTC'), 'text is present');
    for (const t of texts) assert.doesNotMatch(t, /\d(\.\d+)?[eE][-+]?\d/, `exponent notation in "${t}"`);
    // the strategy's indicator lines (same names as the Telegram charts), in the overview and the zoom windows
    for (const l of lines) assert.ok(count(html, new RegExp(`<path class="ind" data-line="${l.name.replace(/[()]/g, '\\$&')}"`, 'g')) >= 2, l.name);
    // each trade's stop and target as segments (the overview draws every trade group)
    const overview = html.slice(0, html.indexOf('<details class="zoom">'));
    assert.equal(count(overview, /<path class="stop" d="M[\d.]+ [\d.]+H[\d.]+"\/>/g), r.trades.length);
    assert.equal(count(overview, /<path class="target" d="M[\d.]+ [\d.]+H[\d.]+"\/>/g), r.trades.length);
    // return in % and buy & hold of the same period (first open → last close)
    const hold = c.close[c.close.length - 1]! / c.open[0]! - 1;
    assert.equal(r.buyAndHold, hold);
    const pct = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(2)}%`;
    assert.ok(html.includes(`vs buy &amp; hold <b class="${hold > 0 ? 'pos' : 'neg'}" data-buy-hold="">${pct(hold)}</b>`));
    assert.ok(html.includes(`return <b class="${r.summary.netProfit > 0 ? 'pos' : 'neg'}">${pct(r.summary.netProfit / 0.001)}</b>`));
    assert.match(html, /<th scope="col">buy &amp; hold<\/th>/);
    // the currency is named; max drawdown is a positive amount
    assert.match(html, /<b>stake<\/b> 0\.001 BTC per trade/);
    assert.match(html, /<th scope="col">net profit \(BTC\)<\/th>/);
    assert.ok(html.includes(`max drawdown <b>${fmt(r.summary.maxDrawdown)} BTC</b>`));
    // no horizontal scrolling: the overview fits the page; full resolution in <details> zoom windows
    const width = Number(/<svg class="candles" width="(\d+)"/.exec(html)![1]);
    assert.ok(width <= 1200, `overview ${width}px wide`);
    const zooms = count(html, /<details class="zoom">/g);
    assert.ok(zooms >= 2 && zooms <= MAX_ZOOM_WINDOWS, `${zooms} zoom windows`);
    for (const m of html.matchAll(/<svg class="candles zoom" [^>]*data-candles="(\d+)"/g)) assert.ok(Number(m[1]) <= OVERVIEW_CANDLES + 300);
    // markers on dense periods are thinned: fewer entry triangles than trades, with counts
    const drawn = count(overview, /class="entry (long|short)"/g);
    assert.ok(drawn < r.trades.length, `${drawn} markers for ${r.trades.length} trades`);
    assert.match(overview, /<text class="count" [^>]*>\d+<\/text>/);
  });

  it('an empty result renders without trades', () => {
    const c = handSeries(30);
    const html = renderBacktestHtml(input([{ result: result('E/BTC', c, []), candles: c }]));
    assert.match(html, /No trades\./);
    assert.equal(count(html, /<svg class="candles"/g), 1);
    assert.equal(count(html, /<g class="trade /g), 0);
    assert.doesNotMatch(html, /NaN|undefined|Infinity/);
  });

  it('round price ticks', () => {
    const { ticks, step } = niceTicks(0.0831, 0.1051, 8);
    assert.equal(step, 0.002);
    assert.equal(ticks[0], 0.084);
    assert.equal(ticks[ticks.length - 1], 0.104);
  });
});
