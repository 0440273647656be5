/**
 * Same candles, same trades with an exit rule (issue 16): the tutorial strategy `rsi-trend`
 * (strategies/rsi-trend.ts: closes a position when RSI crosses back through 50) replayed through
 * the live pipeline — scan, opener (the holder's rule on a signal candle) and monitor (the rule on
 * every newly closed candle) on the local stack — gives trade for trade the backtester's trades on
 * the same files (lib/replay/parity.ts: times, prices, reasons and the rule's note exact), with
 * parameters under which the rule exits most trades on the replay fixtures (the defaults trade
 * 3 times there, all stops). As test/scan/replay-parity.test.ts: limits that cannot bind, every
 * scan sees every candle.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replayConfig, replayFiles, type ReplaySummary } from '../../lib/cli/replay.js';
import { monitorEnvSchema, parseEnv } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig } from '../../lib/config/schema.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import { createMonitorRuntime } from '../../lib/runtime/monitor.js';
import { silentLog } from '../../lib/ports/log.js';
import { readOhlcvFiles } from '../../lib/backtest/ohlcv-files.js';
import { compareWithBacktest } from '../../lib/replay/parity.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { backtestJson, FIXTURES, parityConfigInput } from '../support/parity-fixture.js';
import { runtimeFor } from '../support/scan-fixture.js';

const NAME = 'rsi-trend';
const CASES: readonly { readonly label: string; readonly params: Record<string, number> }[] = [
  { label: 'rsi 7, trend 100', params: { rsi: 7, trend: 100 } },
  // (rsi 7 with 35/65 levels is replayed by user-strategy-parity.test.ts.)
  // RSI 3 with 45/55: a rule exit and a new signal often share a close, so the scan's opener (which
  // acts on a signal before the monitor has checked its candle) must apply the holder's rule itself.
  { label: 'rsi 3, trend 20, 45/55', params: { rsi: 3, trend: 20, oversold: 45, overbought: 55 } },
];

describe('same candles, same trades with an exit rule: the replay (scan + opener + monitor) equals the backtest', () => {
  const resources: TestResources[] = [];
  const runs = new Map<string, { config: BotConfig; summary: ReplaySummary }>();
  before(async () => {
    assert.ok(getStrategy(NAME).exitAt, `${NAME} has an exit rule`);
    const files = readOhlcvFiles(FIXTURES);
    await Promise.all(
      CASES.map(async ({ label, params }, k) => {
        const r = await testResources(`parity-exit-${k}`);
        resources.push(r);
        const config = replayConfig(parseConfig({ ...parityConfigInput([NAME]), strategies: [{ name: NAME, params }] }), files);
        const monitor = createMonitorRuntime(parseEnv(monitorEnvSchema, { ...r.env }), config, []);
        runs.set(label, { config, summary: await replayFiles(runtimeFor(r, config), files, silentLog, { monitor }) });
      }),
    );
  });
  after(() => {
    for (const r of resources) r.close();
  });

  for (const { label } of CASES) {
    it(`${NAME} (${label}): closed paper trades = backtest trades, rule exits and their notes included`, (t) => {
      const { config, summary } = runs.get(label)!;
      assert.equal(summary.failed, 0, 'every close scanned without a failure');
      const paper = summary.trades!.strategies[NAME]!;
      const bt = backtestJson(FIXTURES, NAME, config);
      const parity = compareWithBacktest(paper, bt);
      const rule = bt.trades.filter((x) => x.exitReason === 'rule');
      const counts =
        `${label}: backtest ${bt.trades.length} trades (${rule.length} rule, ${bt.trades.filter((x) => x.exitReason === 'end').length} end); ` +
        `replay ${paper.trades.length} closed + ${paper.open.length} open (by reason ${JSON.stringify(summary.positions?.closedByReason)}, ` +
        `${summary.positions?.closedByMonitor} by the monitor, ${summary.positions?.closedByScan} by the scan); matched ${parity.matched} + ${parity.endOfData} end-of-data`;
      t.diagnostic(counts);
      console.log(`[parity-exit-rule] ${counts}`);
      assert.ok(rule.length >= 4, `the rule exits trades in the backtest (${rule.length})`);
      assert.ok(rule.every((x) => typeof x.exitNote === 'string' && x.exitNote.length > 0), 'every rule exit has its note');
      assert.deepEqual(parity.differences, [], `${counts}\n${parity.differences.slice(0, 20).join('\n')}`);
      assert.equal(parity.matched + parity.endOfData, bt.trades.length);
      assert.deepEqual(
        paper.trades.filter((x) => x.exitReason === 'rule').map((x) => x.exitNote),
        rule.map((x) => x.exitNote),
        'the same notes, in the same order',
      );
      // Closed by the scan beyond its reversals (reason signal): exits on a signal's own candle, here by the rule.
      const reversals = paper.trades.filter((x) => x.exitReason === 'signal').length;
      const chained = rule.filter((x) => bt.trades.some((u) => u.symbol === x.symbol && u.entryTime === x.exitTime)).length;
      t.diagnostic(`${label}: ${chained} rule exits followed by an entry at the same open; closed by the scan ${summary.positions!.closedByScan} (${reversals} reversals)`);
      if (chained > 0) assert.ok(summary.positions!.closedByScan > reversals, 'the opener applied the rule on signal candles');
    });
  }
});
