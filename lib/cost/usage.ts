/**
 * A month of use: the schedules the config implies (scans per timeframe, the monitor rate, the
 * daily summary, the live-trading reconcile when it is enabled) and the stated assumptions (signals per day, subscribers, commands…) turned
 * into invocations, driver units and cold starts per function. Pure.
 */
import type { CostFunction } from './measurement.js';

/** AWS prices by the month of 730 hours. */
export const MONTH_HOURS = 730;
export const MONTH_DAYS = MONTH_HOURS / 24;
export const MONTH_MINUTES = MONTH_HOURS * 60;
export const MONTH_SECONDS = MONTH_MINUTES * 60;

export interface Assumptions {
  readonly subscribers: number;
  readonly signalsPerDay: number;
  /** Share of the subscribers each signal and each close reaches (1 = everyone subscribed to everything). */
  readonly reach: number;
  readonly closesPerDay: number;
  readonly commandsPerDay: number;
  readonly openPositions: number;
  readonly healthChecksPerDay: number;
  readonly alarmChangesPerMonth: number;
  readonly logRetentionDays: number;
  readonly dashboardViewsPerMonth: number;
  readonly dashboardHours: number;
  readonly notifyBatch: number;
  readonly sqsPollers: number;
  readonly secretCacheSeconds: number;
  readonly initMs: number;
  readonly warmMinutes: number;
  readonly recycleHours: number;
  readonly platformLogBytes: number;
}

/** Flag name, key, default (undefined: from the config or template), meaning — the CLI's flags and the printed assumptions. */
export const ASSUMPTIONS: readonly { readonly flag: string; readonly key: keyof Assumptions; readonly fallback: number | undefined; readonly meaning: string }[] = [
  { flag: 'subscribers', key: 'subscribers', fallback: 50, meaning: 'Telegram subscribers' },
  { flag: 'signals-per-day', key: 'signalsPerDay', fallback: 20, meaning: 'signals recorded per day, all timeframes together' },
  { flag: 'reach', key: 'reach', fallback: 1, meaning: 'share of subscribers each signal and close message reaches (1 = all)' },
  { flag: 'closes-per-day', key: 'closesPerDay', fallback: 5, meaning: 'paper positions closed per day (a close message each)' },
  { flag: 'commands-per-day', key: 'commandsPerDay', fallback: 2, meaning: 'bot commands per subscriber per day (webhook)' },
  { flag: 'open-positions', key: 'openPositions', fallback: undefined, meaning: 'open paper positions the monitor checks (default: risk.maxOpenPositions)' },
  { flag: 'health-checks-per-day', key: 'healthChecksPerDay', fallback: 288, meaning: 'GET /health calls per day (an uptime check every 5 min)' },
  { flag: 'alarm-changes', key: 'alarmChangesPerMonth', fallback: 4, meaning: 'alarm state changes per month (alerts function, SNS)' },
  { flag: 'log-retention-days', key: 'logRetentionDays', fallback: undefined, meaning: 'log retention (default: the template, serverless.yml logRetentionInDays)' },
  { flag: 'dashboard-views', key: 'dashboardViewsPerMonth', fallback: 30, meaning: 'dashboard openings per month (its Logs Insights widgets scan logs)' },
  { flag: 'dashboard-hours', key: 'dashboardHours', fallback: 3, meaning: 'time range a dashboard opening shows (hours of logs scanned)' },
  { flag: 'notify-batch', key: 'notifyBatch', fallback: 10, meaning: 'messages per notify invocation (SQS batch, up to 10)' },
  { flag: 'sqs-pollers', key: 'sqsPollers', fallback: 5, meaning: 'Lambda SQS pollers of the idle NotifyQueue, one 20 s long poll each at a time (not documented by AWS; users report ~5)' },
  { flag: 'secret-cache-seconds', key: 'secretCacheSeconds', fallback: 300, meaning: 'secret cache per container (one GetSecretValue per cold start and per expiry)' },
  { flag: 'init-ms', key: 'initMs', fallback: 300, meaning: 'billed INIT per cold start: the bundle import (docs/figures.md: 287 ms median)' },
  { flag: 'warm-minutes', key: 'warmMinutes', fallback: 10, meaning: 'an environment idle longer than this is gone: the next invocation is cold' },
  { flag: 'recycle-hours', key: 'recycleHours', fallback: 2, meaning: 'a busy environment is replaced this often (one cold start each)' },
  { flag: 'platform-log-bytes', key: 'platformLogBytes', fallback: 350, meaning: 'log bytes Lambda writes per invocation (START, END, REPORT lines)' },
];

export interface Schedules {
  /** Scanned timeframes and their length in minutes. */
  readonly timeframes: readonly { readonly tf: string; readonly minutes: number }[];
  readonly monitorMinutes: number;
  /** The live-trading reconcile's rate in minutes; absent: its schedule is disabled (no exchange trades live), it never runs. */
  readonly reconcileMinutes?: number | undefined;
  /** Exchanges trading live: one API-key secret each (`candlebot/<stage>/exchange/<id>`), read by reconcile (default 0). */
  readonly liveExchanges?: number | undefined;
  /** signals.ttlDays: how long signal (and position event) rows are kept. */
  readonly signalTtlDays: number;
  /** How long delivery records are kept (lib/store/deliveries: 21 days). */
  readonly deliveryTtlDays: number;
}

export interface FunctionUsage {
  readonly invocations: number;
  /** Invocations by measurement group (scan: by timeframe; others: `all`). */
  readonly byGroup: Readonly<Record<string, number>>;
  /** Driver units in the month (signals, open-position checks, messages); 0 when the driver is per invocation. */
  readonly units: number;
  /** The units by group, when the cost per unit differs by group (monitor). */
  readonly unitsByGroup?: Readonly<Record<string, number>>;
  readonly coldStarts: number;
  /** Typical minutes between two invocations. */
  readonly gapMinutes: number;
}

export interface Usage {
  readonly functions: Readonly<Record<CostFunction, FunctionUsage>>;
  readonly messages: number;
  readonly commands: number;
  readonly healthChecks: number;
  readonly signals: number;
}

function usage(invocations: number, byGroup: Record<string, number>, units: number, gapMinutes: number, a: Assumptions): FunctionUsage {
  const cold = gapMinutes >= a.warmMinutes ? invocations : Math.min(invocations, (MONTH_HOURS / a.recycleHours));
  return { invocations, byGroup, units, coldStarts: cold, gapMinutes };
}

/** Invocations, driver units and cold starts per function for a month. */
export function monthlyUsage(s: Schedules, a: Assumptions): Usage {
  const scanByTf = Object.fromEntries(s.timeframes.map((t) => [t.tf, MONTH_MINUTES / t.minutes]));
  const scans = Object.values(scanByTf).reduce((x, y) => x + y, 0);
  const shortest = Math.min(...s.timeframes.map((t) => t.minutes));
  const signals = a.signalsPerDay * MONTH_DAYS;
  const monitorRuns = MONTH_MINUTES / s.monitorMinutes;
  // The monitor's runs right after a close of the shortest timeframe find new candles; the others (14 of 15
  // at 1 min and 15m) find none.
  const closeRuns = Math.min(monitorRuns, s.timeframes.length ? MONTH_MINUTES / shortest : monitorRuns);
  const monitorGroups = { close: closeRuns, between: monitorRuns - closeRuns };
  const perEvent = a.subscribers * a.reach;
  const messages = MONTH_DAYS * ((a.signalsPerDay + a.closesPerDay) * perEvent + a.subscribers);
  const batches = messages / Math.max(1, a.notifyBatch);
  const commands = MONTH_DAYS * a.subscribers * a.commandsPerDay;
  const healthChecks = MONTH_DAYS * a.healthChecksPerDay;
  const gap = (n: number) => (n > 0 ? MONTH_MINUTES / n : Infinity);
  const all = (n: number) => ({ all: n });
  const reconcileRuns = s.reconcileMinutes ? MONTH_MINUTES / s.reconcileMinutes : 0;
  return {
    functions: {
      scan: usage(scans, scanByTf, signals, s.timeframes.length ? shortest : Infinity, a),
      monitor: { ...usage(monitorRuns, monitorGroups, monitorRuns * a.openPositions, s.monitorMinutes, a), unitsByGroup: { close: monitorGroups.close * a.openPositions, between: monitorGroups.between * a.openPositions } },
      notify: usage(batches, all(batches), messages, gap(batches), a),
      webhook: usage(commands, all(commands), 0, gap(commands), a),
      summary: usage(MONTH_DAYS, all(MONTH_DAYS), 0, 1440, a),
      health: usage(healthChecks, all(healthChecks), 0, gap(healthChecks), a),
      alerts: usage(a.alarmChangesPerMonth, all(a.alarmChangesPerMonth), 0, gap(a.alarmChangesPerMonth), a),
      reconcile: usage(reconcileRuns, all(reconcileRuns), 0, gap(reconcileRuns), a),
    },
    messages,
    commands,
    healthChecks,
    signals,
  };
}

/** Share of the month's hours in which a function that runs `invocations` times (evenly spread, Poisson) runs at least once. */
export function hoursActive(invocations: number): number {
  return invocations <= 0 ? 0 : 1 - Math.exp(-invocations / MONTH_HOURS);
}

/** Share of hours with a scan of a timeframe of `minutes` (1 for ≤ 60 min; 4h → 6 of 24 hours). */
export function timeframeHours(minutes: number): number {
  return minutes <= 60 ? 1 : 60 / minutes;
}
