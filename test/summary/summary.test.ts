/**
 * The daily summary against the local stack: trade rows in PositionsTable, chats and
 * subscriptions in UsersTable, the real queue; and functions/summary's event handling.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { stringify } from 'yaml';
import { makeSummaryHandler } from '../../functions/summary.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { parseConfig } from '../../lib/config/load.js';
import type { TradeRecord } from '../../lib/ports/positions.js';
import { tradeItem } from '../../lib/store/positions/trade-rows.js';
import { previousUtcDay, runDailySummary } from '../../lib/summary/run-summary.js';
import { createSummaryDeps } from '../../lib/runtime/summary.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { captureStdout } from '../support/capture-stdout.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { parseTelegramHtml } from '../support/fake-telegram/index.js';
import { recordingLog } from '../positions/fixture.js';
import { tempDir } from '../support/temp-dir.js';

const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 0, 10);
const RUN_AT = TODAY + 5 * 60_000; // 00:05 UTC
const ADMIN = 9001;
const RAW = {
  exchanges: [{ id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h'] }],
  strategies: [{ name: 'ema-cross' }, { name: 'rsi-reversion' }],
  telegram: { adminChatIds: [ADMIN] },
};

let seq = 0;
function trade(over: Partial<TradeRecord>): TradeRecord {
  seq++;
  return {
    positionId: `p${seq}`,
    strategy: 'ema-cross',
    exchange: 'binance',
    symbol: 'BTC/USDT',
    timeframe: '1h',
    side: 'long',
    qty: 1,
    stake: 100,
    entryTime: TODAY - DAY,
    entryPrice: 100,
    exitTime: TODAY - DAY / 2,
    exitPrice: 105,
    exitReason: 'target',
    gross: 5,
    fees: 0.2,
    pnl: 4.8,
    bars: 3,
    durationMs: 3 * 3_600_000,
    closedAt: TODAY - DAY / 2,
    strategySeq: seq,
    symbolSeq: seq,
    ...over,
  };
}

describe('daily summary (local stack)', () => {
  let r: TestResources;
  const log = recordingLog();
  const config = parseConfig(RAW);
  const deps = (now = RUN_AT) =>
    createSummaryDeps({ config, ddb: r.doc, sqs: r.sqs, positionsTable: r.tables.PositionsTable!, usersTable: r.tables.UsersTable!, queueUrl: r.queues.NotifyQueue!, clock: testClock(now), log });

  before(async () => {
    r = await testResources('summary');
    const put = (item: Record<string, unknown>) => r.doc.send(new PutCommand({ TableName: r.tables.PositionsTable!, Item: item }));
    await put(tradeItem(trade({ pnl: 4.8 })));
    await put(tradeItem(trade({ strategy: 'rsi-reversion', symbol: 'ETH/USDT', side: 'short', pnl: -2, fees: 0.1, closedAt: TODAY - 1 })));
    await put(tradeItem(trade({ pnl: 100, closedAt: TODAY - DAY - 1 }))); // the day before: left out
    await put(tradeItem(trade({ pnl: 200, closedAt: TODAY + 1000 }))); // today already: left out
    await put({ pk: 'portfolio', sk: 'paper', start: 1000, available: 902.8, reserved: 100, openCount: 1, closedCount: 4, realisedGross: 3.8, fees: 1, createdAt: 1 });

    const users = createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
    const now = TODAY - DAY;
    for (const chat of [1, 2, 3, 4]) await users.register(chat, now);
    await users.subscribe({ chatId: 1, symbol: 'BTC/USDT', strategy: '*', timeframe: '*' }, now); // summary on
    await users.subscribe({ chatId: 2, symbol: '*', strategy: 'ema-cross', timeframe: '*' }, now); // summary on
    await users.subscribe({ chatId: 3, symbol: 'ETH/USDT', strategy: '*', timeframe: '*' }, now); // summary off
    await users.updateSettings(3, (s) => ({ ...s, notify: { ...s.notify, summary: false } }), now);
    await users.subscribe({ chatId: 4, symbol: 'ETH/USDT', strategy: '*', timeframe: '1h' }, now); // stopped
    await users.deactivate(4, 'stopped', now);
  });
  after(() => r.close());

  it('previousUtcDay: the UTC day before, also at exactly midnight', () => {
    assert.deepEqual(previousUtcDay(RUN_AT), { date: '2026-01-09', start: TODAY - DAY, end: TODAY });
    assert.deepEqual(previousUtcDay(TODAY), { date: '2026-01-09', start: TODAY - DAY, end: TODAY });
    assert.deepEqual(previousUtcDay(TODAY - 1), { date: '2026-01-08', start: TODAY - 2 * DAY, end: TODAY - DAY });
  });

  it("summarises yesterday's trades and fans out to the chats that accept it (admin without a profile included)", async () => {
    const report = await runDailySummary(deps());
    assert.deepEqual(report, { date: '2026-01-09', trades: 2, truncated: false, recipients: 3, enqueued: 3 });
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => n.chatId).sort((a, b) => a - b), [1, 2, ADMIN]);
    for (const n of sent) {
      assert.equal(n.kind, 'daily-summary');
      assert.equal(n.id, `summary#2026-01-09#chat#${n.chatId}`);
      assert.equal(n.sourceId, 'summary#2026-01-09');
      assert.ok(parseTelegramHtml(n.text).ok);
    }
    const text = sent[0]!.text;
    assert.match(text, /Daily summary 2026-01-09/);
    assert.match(text, /closed trades: 2 · 1 win \/ 1 loss \(50 % won\)/);
    assert.match(text, /net PnL <code>\+2.8 USDT<\/code> · fees <code>0.3 USDT<\/code>/);
    assert.match(text, /1 open position/);
  });

  it('a schedule that fires twice enqueues the same ids (the consumer delivers each once)', async () => {
    const first = (await runDailySummary(deps(RUN_AT)), await drainQueue(r.sqs, r.queues.NotifyQueue!));
    const second = (await runDailySummary(deps(RUN_AT + 60_000)), await drainQueue(r.sqs, r.queues.NotifyQueue!));
    assert.deepEqual(first.map((n) => n.id).sort(), second.map((n) => n.id).sort());
  });

  it('functions/summary: scheduled event, a manual date, and bad events refused', async () => {
    const configPath = join(tempDir('candlebot-summary-'), 'candlebot.config.yml');
    writeFileSync(configPath, stringify(RAW));
    const handler = makeSummaryHandler({ env: { ...r.env, CANDLEBOT_CONFIG_PATH: configPath } });
    const invoke = (event: unknown) => captureStdout(() => handler(event, localContext('summary', 60_000, 'req-s')).then((v) => v, (e: Error & { code?: string }) => e));

    const manual = await invoke({ date: '2026-01-09' });
    assert.deepEqual(manual.result, { date: '2026-01-09', trades: 2, truncated: false, recipients: 3, enqueued: 3 });
    // Issue 14 (deliberate): DailySummariesEnqueued is no longer a metric; the count is in the log line.
    assert.equal(manual.lines.find((j) => j.message === 'daily summary enqueued')?.enqueued, 3);
    assert.equal(manual.lines.filter((j) => j._aws !== undefined).length, 0, 'no metric published by the summary');
    await drainQueue(r.sqs, r.queues.NotifyQueue!);

    const scheduled = await invoke({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString() });
    assert.equal((scheduled.result as { date: string }).date, previousUtcDay(Date.now()).date);
    await drainQueue(r.sqs, r.queues.NotifyQueue!);

    for (const bad of [{ date: '2026-02-30' }, { date: 'yesterday' }, { timeframe: '1h' }, null]) {
      const { result } = await invoke(bad);
      assert.equal((result as { code?: string }).code, 'INVALID_EVENT', JSON.stringify(bad));
    }
    assert.deepEqual(await drainQueue(r.sqs, r.queues.NotifyQueue!), []);
  });
});
