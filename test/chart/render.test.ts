import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ZodError } from 'zod';
import { CHART_FONT_FAMILY, resolveFontPath } from '../../lib/chart/font.js';
import { buildChartOption, formatTimeUtc, priceDecimalsFor, priceRange } from '../../lib/chart/option.js';
import { renderChartPng, renderChartSvg } from '../../lib/chart/render.js';
import { dejaVuTextWidth } from '../../lib/chart/text-width.js';
import { PermanentError } from '../../lib/errors.js';
import type { ChartSpec } from '../../lib/core/notification.js';
import { closeSpec, signalSpec } from './fixture.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE, 'PNG signature');
  assert.equal(Buffer.from(png.subarray(12, 16)).toString('latin1'), 'IHDR');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function isRenderFailure(cause?: (c: unknown) => boolean) {
  return (e: unknown): boolean => e instanceof PermanentError && e.code === 'CHART_RENDER_FAILED' && (cause === undefined || cause(e.cause));
}

/** A small hand-made spec: 3 flat-ish candles around 100. */
function tinySpec(over: Partial<ChartSpec> = {}): ChartSpec {
  return {
    title: 'TEST/USDT · 1h',
    timeframeMs: 3_600_000,
    candles: [
      [1_700_000_000_000, 100, 101, 99, 100.5],
      [1_700_003_600_000, 100.5, 102, 100, 101.5],
      [1_700_007_200_000, 101.5, 101.8, 98.5, 99],
    ],
    lines: [],
    levels: {},
    ...over,
  };
}

/** The rendered PNGs are for a person to look at: written only to CANDLEBOT_CHART_OUT (a folder) when set, never to fixed temp paths. */
function keepForInspection(name: string, png: Uint8Array): void {
  const dir = process.env['CANDLEBOT_CHART_OUT'];
  if (dir) writeFileSync(join(dir, name), png);
}

describe('renderChartPng', () => {
  it('renders a 150-candle signal chart (2 EMAs, 3 levels) to a 1000×560 PNG', async () => {
    const spec = signalSpec();
    const png = await renderChartPng(spec);
    keepForInspection('candlebot-chart-signal.png', png);
    assert.deepEqual(pngSize(png), { width: 1000, height: 560 });
    assert.ok(png.byteLength > 20_000, `PNG is ${png.byteLength} bytes`);
  });

  it('renders a close chart of a ~5e-5 priced pair with all four level lines and labels', async () => {
    const spec = closeSpec();
    const png = await renderChartPng(spec);
    keepForInspection('candlebot-chart-close.png', png);
    assert.deepEqual(pngSize(png), { width: 1000, height: 560 });
    // ECharts' markLine rounds to 2 decimals by default: these lines vanished before the fix.
    const svg = renderChartSvg(spec, { width: 1000, height: 560 });
    for (const label of ['Entry', 'Stop', 'Target', 'Exit', 'BB 20 upper', 'BB 20 lower']) assert.ok(svg.includes(label), label);
    assert.ok(svg.includes(`Entry ${spec.levels.entry!.toFixed(priceDecimalsFor(spec, priceRange(spec).max))}`));
  });

  it('draws text with the shipped font (a different title gives different pixels)', async () => {
    const a = await renderChartPng(tinySpec({ title: 'AAA' }), { width: 400, height: 240 });
    const b = await renderChartPng(tinySpec({ title: 'BBB' }), { width: 400, height: 240 });
    assert.notDeepEqual(Buffer.from(a), Buffer.from(b));
  });

  it('honours width and height, and rejects sizes outside 200..2000 or not integers', async () => {
    assert.deepEqual(pngSize(await renderChartPng(tinySpec(), { width: 640, height: 360 })), { width: 640, height: 360 });
    for (const size of [{ width: 100 }, { height: 2001 }, { width: 500.5 }]) {
      await assert.rejects(renderChartPng(tinySpec(), size), isRenderFailure(), JSON.stringify(size));
    }
  });

  it('keeps levels far outside the candles on the chart (y-range covers them)', async () => {
    const spec = tinySpec({ levels: { entry: 100, stop: 80, target: 130, exit: 125 } });
    const svg = renderChartSvg(spec, { width: 600, height: 400 });
    for (const label of ['Entry', 'Stop', 'Target', 'Exit']) assert.ok(svg.includes(label), label);
    assert.deepEqual(pngSize(await renderChartPng(spec, { width: 600, height: 400 })), { width: 600, height: 400 });
  });

  it('maps an invalid spec to PermanentError CHART_RENDER_FAILED with the zod error as cause', async () => {
    const bad: unknown[] = [
      tinySpec({ candles: [[1, 1, 1, 1, 1]] }),
      tinySpec({ lines: [{ name: 'x', values: [1, 2] }] }),
      tinySpec({ candles: [[1, 1, 1, 1, Number.NaN], [2, 1, 1, 1, 1]] }),
      { ...tinySpec(), extra: 1 },
      tinySpec({ title: '' }),
    ];
    for (const spec of bad) await assert.rejects(renderChartPng(spec as ChartSpec), isRenderFailure((c) => c instanceof ZodError), JSON.stringify(spec));
    await assert.rejects(renderChartPng(null as unknown as ChartSpec), isRenderFailure());
  });

  it('fails with CHART_RENDER_FAILED (cause CHART_FONT_MISSING) when the font file is missing', async () => {
    await assert.rejects(
      renderChartPng(tinySpec(), { fontPath: '/nonexistent/DejaVuSans.ttf' }),
      isRenderFailure((c) => c instanceof PermanentError && c.code === 'CHART_FONT_MISSING'),
    );
  });
});

describe('chart font resolution', () => {
  const shipped = fileURLToPath(new URL('../../lib/chart/fonts/DejaVuSans.ttf', import.meta.url));

  it('uses the argument, then CANDLEBOT_FONT_PATH, then lib/chart/fonts/DejaVuSans.ttf', () => {
    assert.equal(resolveFontPath(undefined, {}), shipped);
    assert.equal(resolveFontPath(undefined, { CANDLEBOT_FONT_PATH: shipped }), shipped);
    assert.equal(resolveFontPath(shipped, { CANDLEBOT_FONT_PATH: '/nope.ttf' }), shipped);
    assert.throws(() => resolveFontPath(undefined, { CANDLEBOT_FONT_PATH: '/nope.ttf' }), { code: 'CHART_FONT_MISSING' });
    assert.throws(() => resolveFontPath(fileURLToPath(new URL('../../lib/chart/fonts/', import.meta.url)), {}), { code: 'CHART_FONT_MISSING' });
    // resvg would silently draw no text with a file that is not a font
    assert.throws(() => resolveFontPath(fileURLToPath(new URL('../../lib/chart/fonts/LICENSE', import.meta.url)), {}), { code: 'CHART_FONT_MISSING' });
  });

  it('measures text with DejaVu Sans widths', () => {
    assert.equal(dejaVuTextWidth('0', '10px sans-serif'), 6.36);
    assert.ok(Math.abs(dejaVuTextWidth('Entry 0.094518', '12px DejaVu Sans') - 12 * 8.2) < 12, 'about 8.2 em');
    assert.equal(dejaVuTextWidth('', '12px x'), 0);
  });
});

describe('chart option (pure)', () => {
  it('priceRange covers candles, lines and every level, padded', () => {
    const spec = tinySpec({ lines: [{ name: 'l', values: [null, 97, 103] }], levels: { stop: 90, target: 110 } });
    const r = priceRange(spec, 0);
    assert.deepEqual(r, { min: 90, max: 110 });
    const padded = priceRange(spec);
    assert.ok(padded.min < 90 && padded.max > 110);
    assert.deepEqual(priceRange(tinySpec(), 0), { min: 98.5, max: 102 });
    assert.deepEqual(priceRange(tinySpec({ levels: { entry: 105 } }), 0), { min: 98.5, max: 105 });
  });

  it('priceRange gives a non-empty range on a flat series', () => {
    const flat = tinySpec({ candles: [[0, 5, 5, 5, 5], [1, 5, 5, 5, 5]] });
    const r = priceRange(flat, 0.5);
    assert.ok(r.min < 5 && r.max > 5);
  });

  it('sets the y-axis to the range, formats prices with priceDecimals and time in UTC', () => {
    const spec = tinySpec({ priceDecimals: 3, levels: { entry: 100, target: 120 } });
    const option = buildChartOption(spec, { width: 1000, height: 560 }) as any;
    const range = priceRange(spec);
    assert.equal(option.yAxis[0].min, range.min);
    assert.equal(option.yAxis[0].max, range.max);
    assert.equal(option.yAxis[0].axisLabel.formatter(101.23456), '101.235');
    assert.equal(option.series[0].markLine.data[1].label.formatter, 'Target 120.000');
    assert.equal(option.series[0].markLine.precision, 20);
    assert.equal(option.textStyle.fontFamily, CHART_FONT_FAMILY);
    assert.equal(option.xAxis[0].data[0], '11-14 22:13');
    assert.equal(option.xAxis[0].name, 'Time (UTC)');
    assert.equal(formatTimeUtc(Date.UTC(2024, 0, 2, 3, 4), 3_600_000), '01-02 03:04');
    assert.equal(formatTimeUtc(Date.UTC(2024, 0, 2), 86_400_000), '2024-01-02');
  });

  it('picks ~5 significant digits when priceDecimals is absent', () => {
    assert.equal(priceDecimalsFor(tinySpec(), 0.0945), 6);
    assert.equal(priceDecimalsFor(tinySpec(), 5.3e-5), 9);
    assert.equal(priceDecimalsFor(tinySpec(), 95_000), 0);
    assert.equal(priceDecimalsFor(tinySpec({ priceDecimals: 2 }), 0.0945), 2);
  });
});
