import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { replayConfig, replayFiles } from '../../lib/cli/replay.js';
import { monitorEnvSchema, parseEnv } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import { createMonitorRuntime } from '../../lib/runtime/monitor.js';
import { silentLog } from '../../lib/ports/log.js';
import { readOhlcvFiles } from '../../lib/backtest/ohlcv-files.js';
import { compareWithBacktest } from '../../lib/replay/parity.js';
import type { ReplayTradesReport } from '../../lib/replay/trades-report.js';
import { startBinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources } from '../support/local-aws.js';
import { FEE, parityConfigInput, STAKE } from '../support/parity-fixture.js';
import { runCli, runStart } from '../support/run-cli.js';
import { FAST_STRATEGIES, runtimeFor } from '../support/scan-fixture.js';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'candlebot-start-'));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** The replay's summary lines (lib/cli/replay.ts replaySummaryText), parsed. */
function parseSummary(out: string) {
  const done = /replay done: (\d+) candle closes scanned, (\d+) signals recorded, (\d+) symbol failures\./.exec(out);
  const pos = /paper positions: (\d+) opened, (\d+) closed \((\d+) by the monitor, (\d+) by the scan acting on a signal; exits: [^)]*\), (\d+) still open at the end of the data/.exec(out);
  const msgs = /messages: (\d+) printed \(one per message and chat, (\d+) chats?\): (\d+) signals, (\d+) positions opened, (\d+) positions closed\./.exec(out);
  assert.ok(done && pos && msgs, `summary lines missing:\n${out.slice(-2000)}`);
  const n = (m: RegExpExecArray, i: number) => Number(m[i]);
  return {
    steps: n(done, 1),
    signalled: n(done, 2),
    failed: n(done, 3),
    opened: n(pos, 1),
    closed: n(pos, 2),
    closedByMonitor: n(pos, 3),
    closedByScan: n(pos, 4),
    stillOpen: n(pos, 5),
    messages: n(msgs, 1),
    chats: n(msgs, 2),
    signalMessages: n(msgs, 3),
    openedMessages: n(msgs, 4),
    closedMessages: n(msgs, 5),
  };
}

/** The line above each printed message (lib/cli/console-sink.ts consoleHeader), then the message's first line. */
const HEADER = /📨 ([a-z ]+?) (?:for chat (-?\d+) )?\(console; set TELEGRAM_BOT_TOKEN to send to Telegram\):\n(.*)/g;

/** What the console printed: every message, and by kind (the first line of each message, checked against the header's kind). */
function printed(out: string) {
  const heads = [...out.matchAll(HEADER)].map((m) => ({ label: m[1]!, chat: m[2] ?? '0', first: m[3]! }));
  const byBody = (re: RegExp, label: string) => {
    const hits = heads.filter((h) => re.test(h.first));
    assert.ok(hits.every((h) => h.label === label), `a message headed otherwise than "${label}": ${JSON.stringify(hits.find((h) => h.label !== label))}`);
    return hits.length;
  };
  return {
    all: heads.length,
    signals: byBody(/^(🟢 LONG|🔴 SHORT)/, 'signal'),
    opened: byBody(/^📂 opened paper/, 'paper position opened'),
    closed: byBody(/^\S+ closed paper/, 'paper position closed'),
    chats: new Set(heads.map((h) => h.chat)).size,
    /** Messages headed as the console's own chat (no admin chat configured). */
    consoleSignals: heads.filter((h) => h.chat === '0' && /^(🟢 LONG|🔴 SHORT)/.test(h.first)).length,
  };
}

/** The results table rows (lib/cli/replay-report.ts) and the portfolio line, parsed. */
function parseResults(out: string) {
  const at = out.indexOf('results per strategy and market');
  assert.ok(at >= 0, `results table missing:\n${out.slice(-2000)}`);
  const lines = out.slice(at).split('\n');
  const rows = lines
    .slice(2)
    .filter((l) => /^  \S/.test(l))
    .map((l) => l.trim().split(/\s{2,}/))
    .map(([strategy, market, trades, winRate, net, pct, dd, open]) => ({ strategy, market, trades: Number(trades), winRate, net: Number(net), pct, dd: Number(dd), open: Number(open) }));
  const pf = /^paper portfolio: ([\d.]+) → ([\d.]+) (\S+) \(([-+]?[\d.]+)%.*max drawdown ([\d.]+) .*, (\d+) trades, win rate (\S+), (\d+) open at the end\.$/m.exec(out);
  assert.ok(pf, `portfolio line missing:\n${out.slice(at)}`);
  return {
    rows,
    portfolio: { start: Number(pf[1]), end: Number(pf[2]), quote: pf[3]!, pct: Number(pf[4]), maxDrawdown: Number(pf[5]), trades: Number(pf[6]), winRate: pf[7]!, open: Number(pf[8]) },
  };
}

/** Progress lines (no TTY: one every 10 %), JSON log lines (they go to the log file unless --verbose). */
function assertQuietConsole(out: string) {
  const progress = out.split('\n').filter((l) => /^replay \d+%: \d+\/\d+ candle closes, \d+ signals, \d+ paper positions opened$/.test(l));
  assert.ok(progress.length >= 1 && progress.length <= 10, `progress lines: ${progress.length}`);
  assert.match(progress.at(-1)!, /^replay 100%: (\d+)\/\1 /);
  assert.doesNotMatch(out, /^\{"level":/m, 'a JSON log line on the console');
  assert.match(out, /^log lines \(JSON, level \w+; LOG_LEVEL to change\): \.local\/candlebot\.log/m);
}

describe('npm start -- --replay (offline demo)', () => {
  it('replays recorded candles through the local stack and prints every notification', async () => {
    const dir = tempDir();
    const rows = JSON.parse(readFileSync('test/fixtures/replay/ETH_BTC-5m.json', 'utf8')) as unknown[];
    writeFileSync(join(dir, 'ETH_BTC-5m.json'), JSON.stringify(rows.slice(0, 220)));
    const { code, out } = await runStart(['--replay', dir]);
    assert.equal(code, 0, out);
    const summary = parseSummary(out);
    const seen = printed(out);
    assert.ok(summary.signalled > 0, 'the sample signals');
    assert.equal(seen.consoleSignals, summary.signalled, 'every recorded signal printed once (no Telegram token, no admin chat)');
    assert.equal(seen.signals, summary.signalled);
    assert.ok(seen.opened > 0, 'paper positions opened from the signals are announced');
    assert.match(out, /no TELEGRAM_BOT_TOKEN: messages are printed here instead of sent \(the console stands in for a Telegram chat\)/);
    assertQuietConsole(out);
    // The results: one row per strategy that traded the market, and the portfolio adds them up.
    const results = parseResults(out);
    assert.ok(results.rows.length > 0);
    assert.ok(results.rows.every((r) => r.market === 'ETH/BTC 5m'));
    assert.equal(results.portfolio.quote, 'BTC');
    assert.equal(results.rows.reduce((n, r) => n + r.trades, 0), summary.closed);
    assert.equal(results.portfolio.trades, summary.closed);
    assert.equal(results.portfolio.open, summary.stillOpen);
    assert.equal(results.rows.reduce((n, r) => n + r.open, 0), summary.stillOpen);
    if (summary.stillOpen === 0) {
      const net = results.rows.reduce((n, r) => n + r.net, 0);
      assert.ok(Math.abs(results.portfolio.end - results.portfolio.start - net) < 1e-3, `portfolio ${results.portfolio.start} → ${results.portfolio.end} vs net ${net}`);
    }
    assert.equal(summary.failed, 0);
    assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
  });

  it('the summary counts agree with the printed messages (two chats: every message printed twice); --trades-json equals the in-process replay and the backtest', async () => {
    const strategy = 'bollinger-breakout';
    const dir = tempDir();
    const data = join(dir, 'data');
    const files = ['ETH_BTC-5m.json', 'XLM_BTC-5m.json'];
    mkdirSync(data);
    for (const f of files) {
      const rows = JSON.parse(readFileSync(join('test/fixtures/replay', f), 'utf8')) as unknown[];
      writeFileSync(join(data, f), JSON.stringify(rows.slice(0, 300)));
    }
    const configPath = join(dir, 'candlebot.config.yml');
    const input = { ...parityConfigInput([strategy]), telegram: { adminChatIds: [7, 8] } };
    writeFileSync(configPath, stringify(input));
    const tradesPath = join(dir, 'trades.json');
    const cli = await runCli('lib/cli/start.ts', ['--config', configPath, '--replay', data, '--trades-json', tradesPath], 600_000);
    const out = cli.stdout + cli.stderr;
    assert.equal(cli.code, 0, out.slice(-3000));

    // Issue 12 item 14: every number of the summary is what was printed.
    const summary = parseSummary(out);
    const seen = printed(out);
    assert.equal(summary.failed, 0);
    assert.equal(seen.chats, 2);
    assert.equal(summary.chats, 2);
    assert.equal(summary.messages, seen.all, 'messages printed');
    assert.equal(summary.signalMessages, seen.signals);
    assert.equal(summary.openedMessages, seen.opened);
    assert.equal(summary.closedMessages, seen.closed);
    assert.equal(summary.signalMessages, 2 * summary.signalled, 'each signal printed once per chat');
    assert.equal(summary.openedMessages, 2 * summary.opened, 'each opened position printed once per chat');
    assert.equal(summary.closedMessages, 2 * summary.closed, 'each closed position printed once per chat, whoever closed it');
    assert.equal(summary.closed, summary.closedByMonitor + summary.closedByScan);
    assert.equal(summary.opened, summary.closed + summary.stillOpen);
    assert.ok(summary.closedByScan > 0 && summary.closedByMonitor > 0, 'both paths close positions in the sample');
    assertQuietConsole(out);

    // --trades-json: the same report as the in-process replay of the same files and config.
    const file = JSON.parse(readFileSync(tradesPath, 'utf8')) as ReplayTradesReport;
    const r = await testResources('start-trades-json');
    try {
      const recorded = readOhlcvFiles(data);
      const config = replayConfig(parseConfig(input), recorded);
      const monitor = createMonitorRuntime(parseEnv(monitorEnvSchema, { ...r.env }), config, config.telegram.adminChatIds);
      const inProcess = await replayFiles(runtimeFor(r, config), recorded, silentLog, { monitor });
      assert.deepEqual(file, JSON.parse(JSON.stringify(inProcess.trades)));
    } finally {
      r.close();
    }
    assert.equal(file.strategies[strategy]!.trades.length, summary.closed);
    assert.equal(file.strategies[strategy]!.open.length, summary.stillOpen);

    // … and it diffs clean against `npm run backtest -- --json` on the same files.
    const bt = await runCli('lib/cli/backtest.ts', ['--data', data, '--strategy', strategy, '--stake', String(STAKE), '--fee', String(FEE), '--json'], 120_000);
    assert.equal(bt.code, 0, bt.stderr);
    const parity = compareWithBacktest(file.strategies[strategy]!, JSON.parse(bt.stdout) as { trades: [] });
    assert.deepEqual(parity.differences, []);
    assert.ok(parity.matched > 5, `the sample trades (${parity.matched})`);

    // The results table holds the backtest's statistics of the same trades, per market.
    const results = parseResults(out);
    const bySymbol = new Map<string, { pnl: number }[]>();
    for (const t of file.strategies[strategy]!.trades) bySymbol.set(t.symbol, [...(bySymbol.get(t.symbol) ?? []), t]);
    assert.equal(results.rows.length, bySymbol.size);
    for (const row of results.rows) {
      assert.equal(row.strategy, strategy);
      const trades = bySymbol.get(row.market!.split(' ')[0]!)!;
      assert.equal(row.trades, trades.length, row.market);
      const net = trades.reduce((n, t) => n + t.pnl, 0);
      assert.ok(Math.abs(row.net - net) <= Math.abs(net) * 1e-5 + 1e-9, `${row.market}: net ${row.net} vs ${net}`);
      const wins = trades.filter((t) => t.pnl > 0).length;
      assert.equal(row.winRate, `${Number(((100 * wins) / trades.length).toFixed(2))}%`);
    }
    const all = file.strategies[strategy]!.summary;
    assert.equal(results.portfolio.trades, all.trades);
    assert.ok(Math.abs(results.portfolio.maxDrawdown - all.maxDrawdown) <= all.maxDrawdown * 1e-5 + 1e-9, `drawdown ${results.portfolio.maxDrawdown} vs ${all.maxDrawdown}`);
  });

  it('live mode --once runs the scan handler on the local stack against the configured exchange', async () => {
    // The "real exchange" here is the simulator (no internet in tests), reached through the config's apiBase.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((res) => setTimeout(res, 61_000 - intoMinute));
    const sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], nowMs: Date.now() });
    try {
      const dir = tempDir();
      const config = join(dir, 'candlebot.config.yml');
      writeFileSync(
        config,
        stringify({
          exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], timeframes: ['1m'], apiBase: sim.url }],
          strategies: FAST_STRATEGIES,
          scan: { candles: 100 },
        }),
      );
      const { code, out } = await runStart(['--config', config, '--once']);
      assert.equal(code, 0, out);
      const line = /scan 1m: (\{.*\})/.exec(out);
      assert.ok(line, out);
      const result = JSON.parse(line[1]!) as { scanned: number; failed: number; signalled: number };
      assert.equal(result.scanned, 3);
      assert.equal(result.failed, 0);
      assert.equal(printed(out).consoleSignals, result.signalled);
      assert.equal(sim.hits.exchangeInfo, 1);
    } finally {
      await sim.close();
    }
  });

  it('a bad argument or config stops at once with a specific message', async () => {
    const bad = await runStart(['--replya', 'x']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /Unknown option '--replya'/);
    assert.match(bad.out, /usage: npm start/);
    const dir = tempDir();
    writeFileSync(join(dir, 'c.yml'), 'exchanges: []\nstrategies: [{name: ema-cross}]\n');
    const badConfig = await runStart(['--config', join(dir, 'c.yml'), '--once']);
    assert.equal(badConfig.code, 1);
    assert.match(badConfig.out, /exchanges: Too small/);
    assert.doesNotMatch(badConfig.out, /\n\s+at /);
  });
});
