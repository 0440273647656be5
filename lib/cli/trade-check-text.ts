/**
 * The words of `npm run trade:check` (lib/cli/trade-check.ts): the mode line and "what the bot
 * would be allowed to do" on an exchange, from its config (and, when built, its adapter).
 */
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import { quoteCurrencyOf, type LiveTradingConfig } from '../config/trading-schema.js';
import type { TradingPort } from '../ports/trading.js';

const pct = (bps: number): string => `${Number((bps / 100).toFixed(4))} %`;

/** PAPER, LIVE on the testnet / a simulator, or LIVE with REAL MONEY. */
export function modeLine(exchange: ExchangeConfig, live: LiveTradingConfig | undefined): string {
  if (!live) return `PAPER — nothing will be traded on ${exchange.id}: its signals open simulated positions (risk.* of the config)`;
  if (exchange.apiBase) return `LIVE against ${exchange.apiBase} (apiBase: a simulator or proxy; orders go there, the sandbox setting is not used)`;
  if (live.sandbox) return `LIVE on the ${exchange.id} TESTNET (sandbox: true) — test money only, no real money is traded`;
  return `LIVE — REAL MONEY on ${exchange.id} (sandbox: false, confirmLive: true): every signal of this exchange places real orders`;
}

/** "What the bot would be allowed to do", one line each. */
export function allowedLines(exchange: ExchangeConfig, live: LiveTradingConfig | undefined, risk: BotConfig['risk'], port: TradingPort | undefined): string[] {
  if (!live) {
    return [
      'the bot would be allowed to:',
      `  nothing on ${exchange.id}: no order is placed, signals open paper positions (set trading.mode: live to trade)`,
    ];
  }
  const q = quoteCurrencyOf(exchange);
  const protection =
    port === undefined || port.supportsProtection
      ? `one OCO sell on the exchange per position (stop-loss-limit ${pct(live.stopLimitBps)} below the stop, limit-maker target)`
      : 'market sells by the bot when the stop or target is crossed (the exchange takes no OCO)';
  const onFailure = live.exitOnProtectionFailure ? 'admins alerted and the position sold at market at once' : 'admins alerted, the position is left open';
  return [
    'the bot would be allowed to:',
    `  stake per trade:        at most ${live.stake} ${q} (limit buy at the signal's entry + ${pct(live.entrySlippageBps)}, ${risk.feeRate * 100} % kept for the fee; the unfilled rest cancelled after ${live.entryTimeoutMinutes} min)`,
    `  budget:                 ${live.budget} ${q} committed at most on ${exchange.id}`,
    `  open positions:         at most ${live.maxOpenPositions} at once, one per market, long only (spot): a short signal closes an open long, never opens a short`,
    `  daily loss limit:       ${live.dailyLossLimit} ${q}: no new entry for the rest of the UTC day once today's realised loss reaches it`,
    `  drawdown stop:          equity ${Number((live.maxDrawdown * 100).toFixed(4))} % below its peak halts new entries until /resume`,
    `  cooldown:               ${live.cooldownMinutes === 0 ? 'none' : `${live.cooldownMinutes} min without a new entry in a market after a stop-loss there`}`,
    `  exits:                  ${protection}; if it cannot be placed: ${onFailure}`,
    `  symbols:                ${exchange.symbols.join(', ')}`,
    '  /panic (admin):         cancels every bot order, sells every live position at market, halts trading',
  ];
}
