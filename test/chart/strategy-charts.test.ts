/**
 * Issue 17: charts explain the signal. For every registered strategy, a signal chart of real
 * candles (test/fixtures/replay) shows the indicators that fired it (EMA lines, Bollinger bands,
 * an RSI pane with its oversold / overbought lines, a MACD pane with line, signal and
 * histogram), volume, a marker on the signal candle and "Time (UTC)"; no number is drawn in `e`
 * notation; close charts mark the entry and exit candles instead of drawing an entry line
 * across the chart. Older queue messages (no volume / panes / markers) still render.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildChartOption } from '../../lib/chart/option.js';
import { renderChartPng, renderChartSvg } from '../../lib/chart/render.js';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import { chartForClose, chartForSignal, STRATEGY_CHARTS } from '../../lib/core/chart-data.js';
import { toSignal, type Signal } from '../../lib/core/signal.js';
import { getStrategy, STRATEGY_NAMES } from '../../lib/core/strategies/index.js';
import type { SignalIntent } from '../../lib/core/strategies/types.js';
import { chartSpecSchema } from '../../lib/core/notification.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function replayCandles(file: string): Candles {
  const rows = JSON.parse(readFileSync(new URL(`../fixtures/replay/${file}`, import.meta.url), 'utf8')) as OhlcvRow[];
  return candlesFromRows(rows);
}

function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE, 'PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The text content of every <text> element of an SVG (entities decoded enough for the checks). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&#x27;|&#39;/g, "'"));
}

const E_NOTATION = /\d(\.\d+)?e[-+]?\d/i;

function keepForInspection(name: string, png: Uint8Array): void {
  const dir = process.env['CANDLEBOT_CHART_OUT'];
  if (dir) writeFileSync(join(dir, name), png);
}

const candles = replayCandles('ETH_BTC-5m.json');

function lastIntent(name: string, params: object = {}): { intent: SignalIntent; intents: SignalIntent[]; signal: Signal } {
  const s = getStrategy(name);
  const intents = s.evaluateAll(candles, s.params.parse(params));
  const intent = intents.at(-1);
  assert.ok(intent, `${name} gives a signal on the replay fixture`);
  return { intent, intents, signal: toSignal({ strategy: name, exchange: 'binance', symbol: 'ETH/BTC', timeframe: '5m' }, intent) };
}

/** Per strategy: the names that must be drawn (legend / pane text) and the pane count. */
const EXPECTED: Record<string, { texts: string[]; panes: number }> = {
  'ema-cross': { texts: ['EMA 9', 'EMA 21'], panes: 0 },
  'bollinger-breakout': { texts: ['BB 20 upper', 'BB 20 middle', 'BB 20 lower'], panes: 0 },
  'rsi-reversion': { texts: ['RSI 14', '30', '70'], panes: 1 },
  'macd-trend': { texts: ['MACD 12/26/9', 'MACD', 'Signal', 'MACD histogram', '0'], panes: 1 },
  // The tutorial's user strategy (strategies/rsi-trend.ts): its kit `lines` and `panes`.
  'rsi-trend': { texts: ['EMA 200', 'RSI 14', '30', '50', '70'], panes: 1 },
};

describe('strategy charts show the indicators that fired the signal', () => {
  it('every built-in strategy declares its chart (overlays and panes); user strategies draw their own lines and panes', () => {
    const builtIns = STRATEGY_NAMES.filter((n) => getStrategy(n).origin !== 'user');
    assert.deepEqual(Object.keys(STRATEGY_CHARTS).sort(), [...builtIns].sort());
    assert.deepEqual(
      Object.keys(EXPECTED).sort(),
      [...STRATEGY_NAMES].filter((n) => Object.hasOwn(EXPECTED, n) || getStrategy(n).origin !== 'user').sort(),
    );
  });

  for (const name of STRATEGY_NAMES.filter((n) => Object.hasOwn(EXPECTED, n))) {
    it(`${name}: signal chart from real candles → PNG, with its indicators, volume, signal marker, UTC axis, no e-notation`, async () => {
      const { signal } = lastIntent(name);
      const spec = chartForSignal({ candles, signal, strategy: getStrategy(name), params: {}, count: 150 })!;
      assert.ok(spec, 'a chart');
      assert.deepEqual(chartSpecSchema.parse(spec), spec);
      assert.ok(JSON.stringify(spec).length < 20_000, `spec JSON ${JSON.stringify(spec).length} B: small enough for a queue message`);
      assert.equal(spec.panes?.length ?? 0, EXPECTED[name]!.panes);
      assert.equal(spec.volume?.length, spec.candles.length);
      assert.deepEqual(spec.markers, [{ kind: 'signal', time: signal.candleTime, price: signal.side === 'long' ? candles.low[candles.time.indexOf(signal.candleTime)] : candles.high[candles.time.indexOf(signal.candleTime)], side: signal.side }]);

      const height = 560 + 150 * EXPECTED[name]!.panes;
      const svg = renderChartSvg(spec, { width: 1000, height });
      const texts = svgTexts(svg);
      assert.ok(texts.length > 10, 'text is drawn');
      for (const t of [...EXPECTED[name]!.texts, 'Time (UTC)', `${signal.side.toUpperCase()} signal`]) {
        assert.ok(texts.includes(t), `"${t}" drawn; texts: ${texts.join(' | ')}`);
      }
      for (const level of ['Entry', 'Stop', 'Target']) assert.ok(texts.some((t) => t.startsWith(`${level} 0.0`)), level);
      const eNotation = texts.filter((t) => E_NOTATION.test(t));
      assert.deepEqual(eNotation, [], 'no e-notation in any text');

      const png = await renderChartPng(spec);
      keepForInspection(`candlebot-chart-${name}.png`, png);
      assert.deepEqual(pngSize(png), { width: 1000, height });
      assert.ok(png.byteLength > 30_000 && png.byteLength < 1_000_000, `PNG is ${png.byteLength} bytes`);
    });
  }

  it('rsi-reversion draws its configured oversold / overbought lines (not fixed 30/70)', () => {
    const params = { oversold: 35, overbought: 65 };
    const { signal } = lastIntent('rsi-reversion', params);
    const spec = chartForSignal({ candles, signal, strategy: getStrategy('rsi-reversion'), params, count: 150 })!;
    assert.deepEqual(spec.panes![0]!.levels, [35, 65]);
    const option = buildChartOption(spec, { width: 1000, height: 710 }) as any;
    const rsiSeries = option.series.find((s: any) => s.name === 'RSI 14');
    assert.deepEqual(
      rsiSeries.markLine.data.map((d: any) => [d.yAxis, d.label.formatter]),
      [
        [35, '35'],
        [65, '65'],
      ],
    );
    assert.equal(rsiSeries.xAxisIndex, 1);
  });

  it('macd-trend: the histogram is bars, MACD and signal are lines, all in the pane under the price', () => {
    const { signal } = lastIntent('macd-trend');
    const spec = chartForSignal({ candles, signal, strategy: getStrategy('macd-trend'), params: {}, count: 150 })!;
    assert.deepEqual(
      spec.panes![0]!.series.map((s) => [s.name, s.kind]),
      [
        ['MACD histogram', 'histogram'],
        ['MACD', 'line'],
        ['Signal', 'line'],
      ],
    );
    const option = buildChartOption(spec, { width: 1000, height: 710 }) as any;
    assert.equal(option.grid.length, 2);
    const hist = option.series.find((s: any) => s.name === 'MACD histogram');
    assert.equal(hist.type, 'bar');
    assert.equal(hist.xAxisIndex, 1);
    // Only the bottom grid shows time labels and the UTC axis name.
    assert.equal(option.xAxis[0].axisLabel.show, false);
    assert.equal(option.xAxis[1].axisLabel.show, true);
    assert.equal(option.xAxis[1].name, 'Time (UTC)');
  });
});

describe('close charts: entry and exit markers, no full-width entry line', () => {
  for (const name of ['macd-trend', 'bollinger-breakout']) {
    it(`${name}: entry and exit are markers on their candles; stop / target are segments from the entry`, async () => {
      const { intents } = lastIntent(name);
      const open = intents.at(-2)!;
      const entryIndex = open.index + 1;
      const exitIndex = Math.min(candles.time.length - 1, open.index + 15);
      const spec = chartForClose({
        candles,
        strategy: getStrategy(name),
        params: {},
        count: 150,
        title: `ETH/BTC · 5m · ${name} · closed (target)`,
        entry: candles.open[entryIndex]!,
        stop: open.stop,
        target: open.target,
        exit: candles.close[exitIndex]!,
        exitTime: candles.time[exitIndex]!,
        timeframeMs: 300_000,
        entryTime: candles.time[entryIndex]!,
        side: open.side,
      })!;
      assert.deepEqual(
        spec.markers!.map((m) => [m.kind, m.time]),
        [
          ['entry', candles.time[entryIndex]],
          ['exit', candles.time[exitIndex]],
        ],
      );
      const option = buildChartOption(spec, { width: 1000, height: 560 + 150 * (spec.panes?.length ?? 0) }) as any;
      const price = option.series[0];
      const points = price.markPoint.data.map((d: any) => d.name);
      assert.deepEqual(points, ['entry', 'exit']);
      const firstIndex = candles.time.indexOf(spec.candles[0]![0]);
      assert.deepEqual(price.markPoint.data[0].coord, [entryIndex - firstIndex, spec.levels.entry]);
      assert.deepEqual(price.markPoint.data[1].coord, [spec.candles.length - 1, spec.levels.exit]);
      // No line at the entry (or exit) price; stop and target are segments entry → exit.
      for (const item of price.markLine.data) {
        assert.ok(Array.isArray(item), 'a segment, not a full-width line');
        assert.ok(!['Entry', 'Exit'].includes(item[0].name), item[0].name);
        assert.deepEqual([item[0].coord[0], item[1].coord[0]], [entryIndex - firstIndex, spec.candles.length - 1]);
      }
      const texts = svgTexts(renderChartSvg(spec, { width: 1000, height: 560 + 150 * (spec.panes?.length ?? 0) }));
      for (const label of ['Entry', 'Exit', 'Stop', 'Target']) assert.ok(texts.some((t) => t.startsWith(`${label} 0.0`)), label);
      assert.deepEqual(texts.filter((t) => E_NOTATION.test(t)), []);
      const png = await renderChartPng(spec);
      keepForInspection(`candlebot-chart-${name}-close.png`, png);
      assert.ok(png.byteLength > 30_000);
    });
  }

  it('an entry before the window: stop / target segments start at the window start, no entry marker drawn', () => {
    const { intent } = lastIntent('ema-cross');
    const spec = chartForClose({
      candles,
      strategy: getStrategy('ema-cross'),
      params: {},
      count: 50,
      title: 'ETH/BTC closed',
      entry: intent.entry,
      stop: intent.stop,
      target: intent.target,
      exit: candles.close.at(-1)!,
      exitTime: candles.time.at(-1)!,
      entryTime: candles.time[10]!,
      side: intent.side,
    })!;
    const option = buildChartOption(spec, { width: 1000, height: 560 }) as any;
    const price = option.series[0];
    assert.deepEqual(
      price.markPoint.data.map((d: any) => d.name),
      ['exit'],
    );
    const entryLine = price.markLine.data.find((d: any) => d[0].name === 'Entry');
    assert.deepEqual([entryLine[0].coord[0], entryLine[1].coord[0]], [0, spec.candles.length - 1]);
  });
});

describe('chart spec schema: backward compatible', () => {
  const { signal } = lastIntent('macd-trend');
  const spec = chartForSignal({ candles, signal, strategy: getStrategy('macd-trend'), params: {}, count: 150 })!;

  it('a spec enqueued by the old code (no volume, panes, markers) parses and renders with full-width level lines', async () => {
    const { volume: _v, panes: _p, markers: _m, ...old } = spec;
    const parsed = chartSpecSchema.parse(JSON.parse(JSON.stringify(old)));
    assert.equal(parsed.volume, undefined);
    assert.equal(parsed.panes, undefined);
    assert.equal(parsed.markers, undefined);
    const option = buildChartOption(parsed, { width: 1000, height: 560 }) as any;
    assert.deepEqual(
      option.series[0].markLine.data.map((d: any) => [d.name, d.yAxis]),
      [
        ['Entry', spec.levels.entry],
        ['Stop', spec.levels.stop],
        ['Target', spec.levels.target],
      ],
    );
    assert.equal(option.series[0].markPoint, undefined);
    assert.deepEqual(pngSize(await renderChartPng(parsed)), { width: 1000, height: 560 });
  });

  it('refuses pane series or volume not aligned with the candles, and unknown marker kinds', () => {
    const badPane = structuredClone(spec);
    badPane.panes![0]!.series[0]!.values.pop();
    assert.equal(chartSpecSchema.safeParse(badPane).success, false);
    assert.equal(chartSpecSchema.safeParse({ ...spec, volume: spec.volume!.slice(1) }).success, false);
    assert.equal(chartSpecSchema.safeParse({ ...spec, volume: spec.volume!.map(() => -1) }).success, false);
    assert.equal(chartSpecSchema.safeParse({ ...spec, markers: [{ kind: 'stop', time: 1, price: 1 }] }).success, false);
  });
});
