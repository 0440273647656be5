/**
 * Same candles, same trades (issue 18): for every BUILT-IN strategy (from the registry, so a new
 * built-in is covered without touching this file; user strategies: see BUILT_INS below), the live pipeline — the replay of the shipped
 * real candles through scan + monitor on the local stack — and the backtester, on the same files
 * with limits that cannot bind, give the same closed trades trade for trade (lib/replay/parity.ts:
 * times, prices and reasons exact, PnL within 1e-9 relative / 2e-10 absolute), the only allowed
 * difference being positions still open when the data ends (the backtest's `end` trades).
 *
 * One replay per strategy (nothing can bind: startingBalance 100000, stakeFixed 100,
 * maxOpenPositions 1000; `scan.candles: 1000`, so every scan sees every candle). One strategy
 * per replay, because with several the scan starts at the largest warm-up (a symbol's scan needs
 * every strategy's history), and a strategy with a shorter one would miss its first signals.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replayConfig, replayFiles, type ReplaySummary } from '../../lib/cli/replay.js';
import { monitorEnvSchema, parseEnv } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig } from '../../lib/config/schema.js';
import { getStrategy, STRATEGY_NAMES } from '../../lib/core/strategies/index.js';

// The built-ins. User strategies (strategies/*.ts) are not replayed here: the tutorial's has its
// own parity tests (user-strategy-parity, replay-parity-exit-rule), and a strategy a user adds that
// never trades on these fixtures must not fail npm test.
const BUILT_INS = STRATEGY_NAMES.filter((name) => getStrategy(name).origin !== 'user');
import { createMonitorRuntime } from '../../lib/runtime/monitor.js';
import { silentLog } from '../../lib/ports/log.js';
import { readOhlcvFiles } from '../../lib/backtest/ohlcv-files.js';
import { compareWithBacktest } from '../../lib/replay/parity.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { backtestJson, FIXTURES, parityConfigInput } from '../support/parity-fixture.js';
import { runtimeFor } from '../support/scan-fixture.js';

describe('same candles, same trades: the replay (live scan + monitor) equals the backtest for every built-in strategy', () => {
  const resources: TestResources[] = [];
  const runs = new Map<string, { config: BotConfig; summary: ReplaySummary }>();
  before(async () => {
    const files = readOhlcvFiles(FIXTURES);
    // One replay per strategy, each on its own tables and queue, all at once.
    await Promise.all(
      BUILT_INS.map(async (name) => {
        const r = await testResources(`parity-${name}`);
        resources.push(r);
        const config = replayConfig(parseConfig(parityConfigInput([name])), files);
        const monitor = createMonitorRuntime(parseEnv(monitorEnvSchema, { ...r.env }), config, []);
        runs.set(name, { config, summary: await replayFiles(runtimeFor(r, config), files, silentLog, { monitor }) });
      }),
    );
  });
  after(() => {
    for (const r of resources) r.close();
  });

  for (const name of BUILT_INS) {
    it(`${name}: closed paper trades = backtest trades, trade for trade; open at the end = the backtest's 'end' trades`, (t) => {
      const { config, summary } = runs.get(name)!;
      assert.equal(summary.failed, 0, 'every close scanned without a failure');
      const paper = summary.trades!.strategies[name]!;
      const bt = backtestJson(FIXTURES, name, config);
      const parity = compareWithBacktest(paper, bt);
      const counts =
        `${name}: backtest ${bt.trades.length} trades (${bt.trades.filter((x) => x.exitReason === 'end').length} end); ` +
        `replay ${paper.trades.length} closed + ${paper.open.length} open; matched ${parity.matched} + ${parity.endOfData} end-of-data; ` +
        `missing ${parity.missing}, extra ${parity.extra}, different ${parity.different}, end mismatches ${parity.endMismatch}`;
      t.diagnostic(counts);
      console.log(`[parity] ${counts}`);
      assert.ok(bt.trades.length > 0, `${name} trades on the fixtures`);
      assert.deepEqual(parity.differences, [], `${counts}\n${parity.differences.slice(0, 20).join('\n')}`);
      assert.equal(parity.matched + parity.endOfData, bt.trades.length);
      // The summary is the backtest's own, over the same closed trades.
      assert.equal(paper.summary.trades, paper.trades.length);
    });
  }
});
