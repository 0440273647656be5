/**
 * /chart <SYMBOL> [timeframe] — a candlestick chart of a scanned market's last closed candles
 * (config telegram.delivery.chartCandles, default 150) with the lines of the first configured
 * strategy that trades the timeframe. The symbol is normalised and validated like /subscribe
 * (lib/users/symbols.ts); the timeframe must be one the market's exchange scans (default its
 * first). Exchange down or bad data → a clear "try later" reply; a chart that cannot be
 * rendered → a text summary of the same candles instead.
 */
import type { BotConfig, ExchangeConfig } from '../../config/schema.js';
import { strategiesFor } from '../../config/schema.js';
import { escapeHtml } from '../../core/format.js';
import { clipText, echo } from '../echo.js';
import { getStrategy } from '../../core/strategies/index.js';
import { timeframeMs, type Timeframe } from '../../core/timeframe.js';
import { splitClosed, validateCandles } from '../../core/validate-candles.js';
import { describeError } from '../../errors.js';
import type { ChartSpec } from '../../core/notification.js';
import type { ExchangePort } from '../../ports/exchange.js';
import type { Log } from '../../ports/log.js';
import { normaliseSymbol, quotesOf, validateSymbol } from '../../users/symbols.js';
import { CommandInputError, type BotCommand, type CommandInfo } from '../command.js';
import { chartForMarket } from './data-chart-spec.js';
import { withTimeout } from './data-prices.js';
import { candleSummary } from './data-render.js';

/** Most candles one request may ask for (Binance's klines maximum). */
const MAX_FETCH = 1000;

export interface ChartCommandDeps {
  readonly config: BotConfig;
  readonly exchange: (c: ExchangeConfig) => Promise<ExchangePort>;
  readonly renderChart: (spec: ChartSpec) => Uint8Array | Promise<Uint8Array>;
  readonly log: Log;
  /** Whole exchange part (markets + candles); default 10000. */
  readonly timeoutMs?: number;
}

export interface ChartRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly exchange: ExchangeConfig;
}

const USAGE = 'Usage: /chart &lt;SYMBOL&gt; [timeframe], e.g. /chart BTC/USDT 4h.';

/** Validates the arguments against the scanned markets: the market, its exchange and timeframe. */
export function parseChartArgs(args: readonly string[], config: BotConfig): ChartRequest {
  if (args.length < 1 || args.length > 2) throw new CommandInputError(USAGE);
  const scanned = [...new Set(config.exchanges.flatMap((e) => e.symbols))].sort();
  // Clipped first: no symbol is that long, and the refusal below echoes it.
  const symbol = normaliseSymbol(clipText(args[0]!), quotesOf(scanned));
  const check = validateSymbol(symbol, scanned);
  if (!check.ok) throw new CommandInputError(escapeHtml(check.error));
  if (check.symbol === '*') throw new CommandInputError(`A chart is for one symbol. ${USAGE}`);
  const exchange = config.exchanges.find((e) => e.symbols.includes(check.symbol))!;
  const raw = args[1];
  if (raw === undefined) return { symbol: check.symbol, timeframe: exchange.timeframes[0]!, exchange };
  const timeframe = exchange.timeframes.find((tf) => tf === raw || tf === raw.toLowerCase());
  if (!timeframe) {
    throw new CommandInputError(`Unknown timeframe "${echo(raw, 10)}" for ${escapeHtml(check.symbol)}: use one of ${exchange.timeframes.join(', ')}.`);
  }
  return { symbol: check.symbol, timeframe, exchange };
}

/** /chart as /help and the command menu show it. */
export const chartInfo: CommandInfo = {
  name: 'chart',
  usage: '<SYMBOL> [timeframe] — candlestick chart of a scanned market',
  description: 'Chart of the latest closed candles',
};

export function chartCommand(deps: ChartCommandDeps): BotCommand {
  const count = deps.config.telegram.delivery.chartCandles;
  return {
    ...chartInfo,
    async run(ctx) {
      const req = parseChartArgs(ctx.args, deps.config);
      const strategyConfig = strategiesFor(deps.config, req.timeframe)[0];
      const warmup = strategyConfig?.warmup ?? 0;
      const where = `${escapeHtml(req.symbol)} · ${req.timeframe} · ${escapeHtml(req.exchange.id)}`;

      let closed;
      try {
        closed = await withTimeout(
          (async () => {
            const port = await deps.exchange(req.exchange);
            const prepared = await port.prepare([req.symbol]);
            if (!prepared.known.includes(req.symbol)) return undefined;
            const valid = validateCandles(await port.fetchCandles(req.symbol, req.timeframe, Math.min(MAX_FETCH, count + warmup + 1)), req.timeframe);
            if (!valid.ok) throw valid.error;
            return splitClosed(valid.rows, ctx.now, req.timeframe).closed;
          })(),
          deps.timeoutMs ?? 10_000,
          `candles of ${req.symbol}`,
        );
      } catch (error) {
        deps.log.warn('chart: exchange unavailable', { exchange: req.exchange.id, symbol: req.symbol, error: describeError(error) });
        await ctx.reply(`The exchange (${escapeHtml(req.exchange.id)}) is unavailable right now; try again later.`);
        return;
      }
      if (closed === undefined) {
        await ctx.reply(`${escapeHtml(req.symbol)} is not listed on ${escapeHtml(req.exchange.id)} at the moment.`);
        return;
      }

      const shown = closed.slice(-count).map(([t, o, h, l, c]) => [t, o, h, l, c] as const);
      const summary = `<b>${where}</b>\n${candleSummary(shown)}`;
      let png: Uint8Array | undefined;
      try {
        const spec = chartForMarket({
          rows: closed,
          title: `${req.symbol} · ${req.timeframe} · ${req.exchange.id}${strategyConfig ? ` · ${strategyConfig.name}` : ''}`,
          timeframeMs: timeframeMs(req.timeframe),
          count,
          ...(strategyConfig ? { strategy: { strategy: getStrategy(strategyConfig.name), params: strategyConfig.params } } : {}),
        });
        if (spec !== undefined) png = await deps.renderChart(spec);
      } catch (error) {
        deps.log.warn('chart: not rendered, sending text', { symbol: req.symbol, timeframe: req.timeframe, error: describeError(error) });
      }
      // Telegram errors of the reply itself are the dispatcher's to classify, not a render failure.
      if (png === undefined) await ctx.reply(`${summary}\n<i>${shown.length < 2 ? 'Not enough candles for a chart.' : 'The chart could not be drawn.'}</i>`);
      else await ctx.replyPhoto(png, summary);
    },
  };
}
