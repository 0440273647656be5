/**
 * The alerts function end to end: a CloudWatch alarm state change inside SNS's Lambda event →
 * the real handler (env + config file, the raw Bot API caller) → the fake Bot API on 127.0.0.1,
 * with Telegram's 429/5xx, a blocked admin chat, every chat failing, and malformed events.
 * Waits between retries go through a recording sleep (the retry decisions are the real ones).
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { stringify } from 'yaml';
import { makeAlertsHandler } from '../../functions/alerts.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { isCandlebotError } from '../../lib/errors.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { tempDir } from '../support/temp-dir.js';
import { alarmJson, REGION, snsEvent } from './fixture.js';

process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';

const ADMIN_A = 700_001;
const ADMIN_B = 700_002;
const quiet = () => new Logger({ serviceName: 'candlebot-alerts-test', logLevel: 'SILENT' });

describe('alerts function: alarm state changes reach the admin chats', () => {
  let fake: FakeTelegram;
  let configPath: string;
  let sleeps: number[];

  before(async () => {
    fake = await startFakeTelegram({ limits: false });
    const dir = tempDir('candlebot-alerts-');
    configPath = join(dir, 'candlebot.config.yml');
    writeFileSync(configPath, stringify({ exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }], strategies: [{ name: 'ema-cross' }], telegram: { adminChatIds: [ADMIN_A, ADMIN_B] } }));
  });
  after(() => fake?.close());
  beforeEach(() => {
    fake.reset();
    sleeps = [];
  });

  const handler = () =>
    makeAlertsHandler({
      env: { CANDLEBOT_CONFIG_PATH: configPath, STAGE: 'prod', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, AWS_REGION: 'us-east-1' },
      logger: quiet(),
      overrides: { sleep: async (ms) => void sleeps.push(ms) },
    });
  const invoke = (event: unknown, timeoutMs = 30_000) => handler()(event, localContext('alerts', timeoutMs, randomUUID()));
  const sends = () => fake.calls.filter((c) => c.method === 'sendMessage');

  it('ALARM of a dead-man alarm: what fired, since when, "no completed scan since …", links to the dashboard and Logs Insights — to every admin', async () => {
    const description = 'Scans of 1h candles stopped & the <scan> function may be failing. Open the dashboard.';
    const result = await invoke(snsEvent(alarmJson({ description })));
    assert.deepEqual(result.alerts.map((a) => [a.alarm, a.state, a.sent]), [['candlebot-prod-ScanStalled-1h', 'ALARM', 2]]);
    for (const chat of [ADMIN_A, ADMIN_B]) {
      const [msg, ...more] = fake.delivered(chat);
      assert.ok(msg, `admin ${chat} got nothing`);
      assert.equal(more.length, 0);
      assert.equal(msg.parseMode, 'HTML');
      const lines = msg.visibleText.split('\n');
      assert.equal(lines[0], '🔴 ALARM candlebot-prod-ScanStalled-1h');
      assert.equal(lines[1], description, 'the description, escaped in the HTML and intact as text');
      assert.equal(lines[2], 'Since: 2026-12-06 14:05 UTC (was OK)');
      assert.equal(lines[3], 'No completed scan of 1h candles since about 2026-12-06 12:05 UTC (no data for 2 periods of 1 h).');
      assert.match(msg.visibleText, /candlebot\/ScanFailureRatio timeframe=1h, maximum per 1 h/);
      assert.match(msg.visibleText, /Logs Insights \(saved query candlebot-prod\/failures-by-code\)/);
      // The links: region from the alarm's ARN (eu-west-1), not the function's (us-east-1).
      assert.ok(msg.text?.includes(`href="https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/candlebot-prod"`), msg.text);
      assert.ok(msg.text?.includes(`href="https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logsV2:logs-insights"`), msg.text);
    }
  });

  it('OK (recovery): ✅ with the value CloudWatch saw and the threshold', async () => {
    const reason = 'Threshold Crossed: 2 out of the last 3 datapoints [0.0 (06/12/26 15:00:00), 0.25 (06/12/26 14:00:00)] were not greater than the threshold (0.5) (minimum 2 datapoints for ALARM -> OK transition).';
    await invoke(snsEvent(alarmJson({ state: 'OK', old: 'ALARM', reason, time: '2026-12-06T15:05:00.000+0000' })));
    const [msg] = fake.delivered(ADMIN_A);
    assert.ok(msg);
    const lines = msg.visibleText.split('\n');
    assert.equal(lines[0], '✅ OK candlebot-prod-ScanStalled-1h');
    assert.equal(lines[2], 'Since: 2026-12-06 15:05 UTC (was ALARM)');
    assert.equal(lines[3], 'Value: 0 (alarms when > 0.5); before: 0.25');
  });

  it('a Lambda errors alarm without AlarmArn: the value of a single datapoint, links in the region of the topic', async () => {
    const trigger = { MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'SUM', Dimensions: [{ name: 'FunctionName', value: 'candlebot-prod-scan' }], Period: 300, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 };
    const reason = 'Threshold Crossed: 1 datapoint [3.0 (06/12/26 14:00:00)] was greater than or equal to the threshold (1.0).';
    await invoke(snsEvent(alarmJson({ name: 'candlebot-prod-scan-errors', description: null, reason, trigger, arn: false })));
    const [msg] = fake.delivered(ADMIN_B);
    assert.ok(msg);
    assert.match(msg.visibleText, /^🔴 ALARM candlebot-prod-scan-errors\nSince: /);
    assert.match(msg.visibleText, /\nValue: 3 \(alarms when ≥ 1\)\n/);
    assert.match(msg.visibleText, /AWS\/Lambda\/Errors FunctionName=candlebot-prod-scan, sum per 5 min/);
    assert.ok(msg.text?.includes(`https://${REGION}.console.aws.amazon.com/`), 'region from the SNS topic ARN');
  });

  it('Telegram 429: waits retry_after (within the invocation’s time) and sends once', async () => {
    fake.script(({ method, chatId, seq }) => (method === 'sendMessage' && chatId === ADMIN_A && seq === 1 ? { status: 429, retryAfter: 3 } : undefined));
    const result = await invoke(snsEvent(alarmJson()));
    assert.equal(result.alerts[0]?.sent, 2);
    assert.equal(fake.delivered(ADMIN_A).length, 1);
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! >= 3000, `waited ${sleeps[0]} ms, Telegram asked for 3 s`);
    assert.deepEqual(sends().map((c) => [c.chatId, c.status]), [[ADMIN_A, 429], [ADMIN_A, 200], [ADMIN_B, 200]]);
  });

  it('Telegram 429 whose retry_after does not fit into the remaining time: no wait; no admin reached → the invocation fails (Lambda retries)', async () => {
    fake.script(({ method }) => (method === 'sendMessage' ? { status: 429, retryAfter: 30 } : undefined));
    await assert.rejects(invoke(snsEvent(alarmJson()), 20_000), (e: unknown) => isCandlebotError(e) && e.code === 'ALERT_UNDELIVERED' && e.kind === 'transient');
    assert.deepEqual(sleeps, [], 'never sleeps past the invocation');
    assert.equal(sends().length, 2, 'one try per admin');
  });

  it('Telegram 5xx then success: retried with backoff, delivered once', async () => {
    fake.script(({ method, seq }) => (method === 'sendMessage' && seq <= 2 ? { status: 502 } : undefined));
    const result = await invoke(snsEvent(alarmJson()));
    assert.equal(result.alerts[0]?.sent, 2);
    assert.equal(fake.delivered(ADMIN_A).length, 1);
    assert.equal(fake.delivered(ADMIN_B).length, 1);
    assert.equal(sleeps.length, 2, 'two backoffs');
    assert.deepEqual(sends().map((c) => c.status), [502, 502, 200, 200]);
  });

  it('a blocked admin chat (403) is recorded and skipped; the other admin gets the alert; no retry of the event', async () => {
    fake.blockChat(ADMIN_A);
    const result = await invoke(snsEvent(alarmJson()));
    const chats = result.alerts[0]?.chats ?? [];
    assert.deepEqual(chats.map((c) => [c.chatId, c.status]), [[ADMIN_A, 'gone'], [ADMIN_B, 'sent']]);
    assert.equal(chats[0]?.status === 'gone' ? chats[0].failure : undefined, 'blocked');
    assert.equal(fake.delivered(ADMIN_B).length, 1);
    assert.equal(sends().filter((c) => c.chatId === ADMIN_A).length, 1, 'a blocked chat is not retried');
  });

  it('an unknown admin chat (400 chat not found) likewise', async () => {
    fake.removeChat(ADMIN_B);
    const result = await invoke(snsEvent(alarmJson()));
    assert.deepEqual(result.alerts[0]?.chats.map((c) => [c.chatId, c.status]), [[ADMIN_A, 'sent'], [ADMIN_B, 'gone']]);
  });

  it('every admin chat failing transiently: bounded retries, then the invocation throws ALERT_UNDELIVERED so that Lambda retries it', async () => {
    fake.script(({ method }) => (method === 'sendMessage' ? { status: 503 } : undefined));
    await assert.rejects(invoke(snsEvent(alarmJson())), (e: unknown) => {
      assert.ok(isCandlebotError(e), String(e));
      assert.equal(e.code, 'ALERT_UNDELIVERED');
      assert.match(e.message, /reached no admin chat/);
      return true;
    });
    assert.equal(sends().length, 8, '4 tries per admin, 2 admins');
    assert.equal(fake.delivered().length, 0);
  });

  it('the bot token refused (401): not retried per chat, the invocation fails (the token may be rotated before Lambda retries)', async () => {
    const refused = makeAlertsHandler({
      env: { CANDLEBOT_CONFIG_PATH: configPath, STAGE: 'prod', TELEGRAM_BOT_TOKEN: '999999:AAWrongTokenWrongTokenWrongTokenWrong', TELEGRAM_API_ROOT: fake.apiRoot },
      logger: quiet(),
      overrides: { sleep: async (ms) => void sleeps.push(ms) },
    });
    await assert.rejects(refused(snsEvent(alarmJson()), localContext('alerts', 30_000, randomUUID())), (e: unknown) => isCandlebotError(e) && e.code === 'ALERT_UNDELIVERED');
    assert.deepEqual(sends().map((c) => c.status), [401, 401], 'one try per admin');
    assert.deepEqual(sleeps, []);
  });

  it('every admin chat blocked: both recorded, nothing a retry could fix, so the invocation succeeds with nothing sent', async () => {
    fake.blockChat(ADMIN_A);
    fake.blockChat(ADMIN_B);
    const result = await invoke(snsEvent(alarmJson()));
    assert.deepEqual(result.alerts[0]?.chats.map((c) => c.status), ['gone', 'gone']);
    assert.equal(result.alerts[0]?.sent, 0);
  });

  it('malformed events fail with a clear INVALID_EVENT naming the field (and are not lost: Lambda retries, then the on-failure queue)', async () => {
    const cases: [unknown, RegExp][] = [
      [snsEvent('not json at all'), /^invalid alerts event: Records\.0\.Sns\.Message: is not a CloudWatch alarm \(not JSON/],
      [snsEvent({ hello: 'world' }), /^invalid alerts event: Records\.0\.Sns\.Message\.AlarmName: /],
      [snsEvent(alarmJson({ time: 'yesterday' })), /Records\.0\.Sns\.Message\.StateChangeTime: is not a time/],
      [snsEvent({ ...alarmJson(), NewStateValue: 'BROKEN' }), /Records\.0\.Sns\.Message\.NewStateValue/],
      [{ Records: [] }, /^invalid alerts event: Records: /],
      [{ detail: 'an EventBridge event' }, /^invalid alerts event: Records: /],
    ];
    for (const [event, message] of cases) {
      await assert.rejects(invoke(event), (e: unknown) => {
        assert.ok(isCandlebotError(e), String(e));
        assert.equal(e.code, 'INVALID_EVENT');
        assert.match(e.message, message);
        return true;
      });
    }
    assert.equal(fake.calls.length, 0, 'nothing sent for a malformed event');
  });
});
