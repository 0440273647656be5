/**
 * The chart of a position closed by the scan (a reversal, or the signal candle's own exit),
 * made from the signal's chart: the scan already holds those candles and the strategy's lines
 * (the same strategy: the market lock is per strategy), so no exchange call is made. The
 * window ends at the signal candle — the exit of a reversal is at the next open, in the
 * forming candle, which a chart never shows. Levels are the closed position's. Anything that
 * does not fit (no signal chart: charts off or a re-drive; another strategy or timeframe;
 * the exit beyond the window) leaves the close as text.
 */
import { roundPrice } from '../core/chart-data.js';
import type { ClosedPosition } from '../core/positions/index.js';
import type { Signal } from '../core/signal.js';
import { describeError } from '../errors.js';
import { chartSpecSchema, type ChartSpec } from '../core/notification.js';
import type { Log } from '../ports/log.js';
import type { PositionMeta } from '../ports/positions.js';

export function reversalCloseChart(
  log: Log,
  signalChart: ChartSpec | undefined,
  signal: Pick<Signal, 'id' | 'candleTime' | 'strategy' | 'timeframe' | 'symbol'>,
  meta: PositionMeta,
  closed: ClosedPosition,
): ChartSpec | undefined {
  if (signalChart === undefined) return undefined;
  const last = signalChart.candles.at(-1)![0];
  if (meta.strategy !== signal.strategy || meta.timeframe !== signal.timeframe || last !== signal.candleTime || closed.exitTime < signalChart.candles[0]![0]) {
    log.warn('the signal chart does not fit the closed position; close sent as text', { positionId: closed.id, signalId: signal.id });
    return undefined;
  }
  const parsed = chartSpecSchema.safeParse({
    ...signalChart,
    title: `${closed.symbol} · ${meta.timeframe} · ${meta.strategy} · closed (${closed.exitReason})`.slice(0, 200),
    levels: { entry: roundPrice(closed.entryPrice), stop: roundPrice(closed.stop), target: roundPrice(closed.target), exit: roundPrice(closed.exitPrice) },
    // Entry and exit markers instead of the signal's marker; the exit (at the next open, not
    // drawn) is marked on the last candle. An entry before the window is not drawn.
    markers: [
      { kind: 'entry', time: closed.entryTime, price: roundPrice(closed.entryPrice), side: closed.side },
      { kind: 'exit', time: Math.min(closed.exitTime, last), price: roundPrice(closed.exitPrice), side: closed.side },
    ],
  });
  if (parsed.success) return parsed.data;
  log.warn('close chart could not be built from the signal chart; sent as text', { positionId: closed.id, error: describeError(parsed.error) });
  return undefined;
}
