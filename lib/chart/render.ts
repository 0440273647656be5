/**
 * Renders a `ChartSpec` to a PNG: Apache ECharts server-side (SVG string, no DOM, no canvas)
 * then resvg (SVG → PNG) with the shipped DejaVu Sans font (see font.ts).
 *
 * Every failure — invalid spec, missing font, ECharts or resvg error — throws PermanentError
 * `CHART_RENDER_FAILED` with the original error as `cause`: the caller sends the message as
 * text only. The ECharts instance is always disposed (a live instance keeps the process alive).
 *
 * Deploy: `@resvg/resvg-js` loads a native `.node` binary; keep it external to esbuild and ship
 * it with the function, and ship lib/chart/fonts/DejaVuSans.ttf (see font.ts for where).
 */
import { renderAsync } from '@resvg/resvg-js';
import { BarChart, CandlestickChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { PermanentError } from '../errors.js';
import { chartSpecSchema, type ChartSpec } from '../core/notification.js';
import { CHART_FONT_FAMILY, resolveFontPath } from './font.js';
import { buildChartOption, CHART_THEME, PANE_EXTRA_HEIGHT, type ChartSize } from './option.js';
import { dejaVuTextWidth } from './text-width.js';

export const DEFAULT_CHART_SIZE: ChartSize = Object.freeze({ width: 1000, height: 560 });
const MIN_SIDE = 200;
const MAX_SIDE = 2000;

export interface RenderChartOptions {
  readonly width?: number;
  readonly height?: number;
  /** Font file override (else env CANDLEBOT_FONT_PATH, else the file next to this module). */
  readonly fontPath?: string;
}

let registered = false;
/** Registers the ECharts parts once (idempotent; ECharts keeps its own registry). */
function registerEcharts(): void {
  if (registered) return;
  echarts.use([CandlestickChart, LineChart, BarChart, GridComponent, TitleComponent, LegendComponent, MarkLineComponent, MarkPointComponent, SVGRenderer]);
  // Measure text as resvg will draw it (DejaVu Sans), so label boxes and overlap checks fit.
  echarts.setPlatformAPI({ measureText: (text: string, font?: string) => ({ width: dejaVuTextWidth(text, font) }) });
  registered = true;
}

function checkSide(name: string, v: number): number {
  if (!Number.isInteger(v) || v < MIN_SIDE || v > MAX_SIDE) {
    throw new Error(`${name} must be an integer in ${MIN_SIDE}..${MAX_SIDE}, got ${String(v)}`);
  }
  return v;
}

/** The chart as an SVG string (ECharts SSR); the spec must already be validated. */
export function renderChartSvg(spec: ChartSpec, size: ChartSize): string {
  registerEcharts();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(buildChartOption(spec, size));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * The chart as PNG bytes (`width`×`height`, each 200..2000; default 1000×560, plus
 * PANE_EXTRA_HEIGHT (150) per indicator pane when no height is given). ECharts runs on
 * the calling thread (~10–30 ms), resvg's rasterisation on the libuv pool (`renderAsync`).
 * Rejects with PermanentError `CHART_RENDER_FAILED` (cause: the zod / ECharts / resvg / font error).
 *
 * Memory: resvg-js 2.6.2 frees its native buffers (~2–3 MB per 1000×560 chart) only when V8
 * collects the JS wrappers, and V8 does not see that memory. Between awaited renders (the
 * notify consumer) RSS stays flat; a tight synchronous loop of renders would grow RSS.
 */
export async function renderChartPng(spec: ChartSpec, options: RenderChartOptions = {}): Promise<Uint8Array> {
  try {
    const valid = chartSpecSchema.parse(spec);
    const size = {
      width: checkSide('width', options.width ?? DEFAULT_CHART_SIZE.width),
      height: checkSide('height', options.height ?? Math.min(MAX_SIDE, DEFAULT_CHART_SIZE.height + PANE_EXTRA_HEIGHT * (valid.panes?.length ?? 0))),
    };
    const fontPath = resolveFontPath(options.fontPath);
    const svg = renderChartSvg(valid, size);
    const image = await renderAsync(svg, {
      font: {
        fontFiles: [fontPath],
        loadSystemFonts: false,
        defaultFontFamily: CHART_FONT_FAMILY,
        sansSerifFamily: CHART_FONT_FAMILY,
      },
      background: CHART_THEME.background,
      logLevel: 'off',
    });
    const png = image.asPng();
    return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  } catch (error) {
    const title = typeof spec === 'object' && spec !== null && typeof spec.title === 'string' ? spec.title.slice(0, 80) : '?';
    throw new PermanentError(`Chart "${title}" could not be rendered: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`, {
      code: 'CHART_RENDER_FAILED',
      cause: error,
    });
  }
}
