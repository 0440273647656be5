/**
 * Telegram HTML texts of live trading (issue 15): orders and fills, refusals, protections, a
 * closed live position (the exchange's fill prices and fees next to the rule's prices), admin
 * alerts and /panic. Pure: plain data in (types below, never store rows), a string out.
 *
 * Every text starts with its venue's marker — `🔴 LIVE` (real money), `🧪 TESTNET` (the
 * exchange's sandbox) — so it can never be mistaken for a paper one (`📄 PAPER`, tradingMarker).
 * Every exchange-, config- or error-supplied string is escaped and clipped; lists are capped
 * (the rest counted), so every text fits one Telegram message (≤ TELEGRAM_TEXT_LIMIT).
 */
import { escapeHtml, formatAmount, formatPercent, formatPrice, formatUtc, quoteCurrency, TELEGRAM_TEXT_LIMIT } from './format.js';
import { splitHtml } from './html-split.js';

/** Where an order or position lives: a real-money account, the exchange's testnet, or paper. */
export type TradingVenue = 'live' | 'testnet' | 'paper';
/** A live exchange's venue from its config (`trading.sandbox`). */
export const venueOf = (sandbox: boolean): 'live' | 'testnet' => (sandbox ? 'testnet' : 'live');

/** `🔴 LIVE` (real money), `🧪 TESTNET` or `📄 PAPER`. */
export const tradingMarker = (venue: TradingVenue): string => ({ live: '🔴 LIVE', testnet: '🧪 TESTNET', paper: '📄 PAPER' })[venue];

/** Free-form strings (errors, details, ids) are clipped to this many characters. */
export const LIVE_TEXT_CLIP = 300;
/** Lists (failures, exchanges) show at most this many entries; the rest are counted. */
export const LIVE_TEXT_MAX_ITEMS = 20;

/** At most `max` code points (an ellipsis marks a cut). */
export const clip = (text: string, max = LIVE_TEXT_CLIP): string => (Array.from(text).length <= max ? text : `${Array.from(text).slice(0, max - 1).join('')}…`);

/** Clipped, then escaped for Telegram HTML. */
export const clipHtml = (text: string, max = LIVE_TEXT_CLIP): string => escapeHtml(clip(text, max));

/** Which market and strategy an order or position belongs to. */
export interface LiveMarketRef {
  readonly venue: 'live' | 'testnet';
  readonly exchange: string;
  readonly symbol: string;
  readonly strategy?: string;
  readonly timeframe?: string;
}

export interface LiveOrderText extends LiveMarketRef {
  readonly clientOrderId: string;
  readonly role: 'entry' | 'exit';
  readonly side: 'buy' | 'sell';
  /** e.g. `limit`, `market`. */
  readonly type: string;
  readonly amount: number;
  /** Limit price (absent for a market order). */
  readonly price?: number;
}

/** Filled so far: base amount, quote cost and fee in quote currency (from the exchange's fills). */
export interface LiveFillText { readonly filled: number; readonly cost: number; readonly fee: number }

/** A number shown with a refusal (stake, available, limit…): `label value [unit]`. */
export interface LiveFigure {
  readonly label: string;
  readonly value: number;
  /** Currency or unit; default the market's quote currency, `''` for none. */
  readonly unit?: string;
}

function header(ref: LiveMarketRef, title: string): string {
  const where = [clipHtml(ref.exchange, 40), ...(ref.timeframe ? [clipHtml(ref.timeframe, 16)] : []), ...(ref.strategy ? [`<code>${clipHtml(ref.strategy, 64)}</code>`] : [])];
  return `<b>${tradingMarker(ref.venue)} ${title} ${clipHtml(ref.symbol, 40)}</b> · ${where.join(' · ')}`;
}

const code = (s: string): string => `<code>${clipHtml(s, 64)}</code>`;
const amount = (value: number, currency: string): string => `<code>${escapeHtml(formatAmount(value, clip(currency, 12)))}</code>`;
const price = (value: number): string => `<code>${formatPrice(value)}</code>`;
const baseOf = (symbol: string): string => clipHtml(symbol.split('/')[0]?.trim().toUpperCase() ?? '', 12);
const avg = (f: LiveFillText): number | undefined => (f.filled > 0 ? f.cost / f.filled : undefined);

/** Keeps a text within one message whatever the data (a last guard: the clips and fitItems keep texts far below). */
function bounded(lines: readonly string[]): string {
  const text = lines.join('\n');
  return text.length <= TELEGRAM_TEXT_LIMIT ? text : `${splitHtml(text, TELEGRAM_TEXT_LIMIT - 16)[0] ?? ''}\n… (cut)`;
}

/** Room for a list inside one message, the rest of the text being short (clipped fields). */
const LIST_BUDGET = TELEGRAM_TEXT_LIMIT - 1200;

/** At most LIVE_TEXT_MAX_ITEMS items and LIST_BUDGET characters; the rest counted (`… and n more`). */
function fitItems(items: readonly string[]): string[] {
  const out: string[] = [];
  let size = 0;
  for (const item of items) {
    if (out.length >= LIVE_TEXT_MAX_ITEMS || size + item.length + 1 > LIST_BUDGET) break;
    out.push(item);
    size += item.length + 1;
  }
  return out.length < items.length ? [...out, `… and ${items.length - out.length} more`] : out;
}

function orderLine(o: LiveOrderText): string {
  const what = `${o.side} ${clipHtml(o.type, 24)} ${formatPrice(o.amount)} ${baseOf(o.symbol)}`;
  return `${o.role} order: ${what}${o.price === undefined ? '' : ` at ${price(o.price)}`} · id ${code(o.clientOrderId)}`;
}

function fillLine(o: LiveOrderText, f: LiveFillText): string {
  const quote = quoteCurrency(o.symbol);
  const average = avg(f);
  return `filled ${formatPrice(f.filled)}/${formatPrice(o.amount)} ${baseOf(o.symbol)}${average === undefined ? '' : ` at avg ${price(average)}`} · cost ${amount(f.cost, quote)} · fee ${amount(f.fee, quote)}`;
}

/** An order sent to the exchange (accepted there). `stake`: quote reserved; `deadline`: the unfilled rest is cancelled then. */
export function renderLiveOrderPlacedText(o: LiveOrderText & { readonly stake?: number; readonly deadline?: number }): string {
  const quote = quoteCurrency(o.symbol);
  return bounded([
    header(o, `📨 ${o.role === 'entry' ? 'BUY' : 'SELL'} order placed`),
    orderLine(o),
    ...(o.stake === undefined ? [] : [`reserved ${amount(o.stake, quote)}`]),
    ...(o.deadline === undefined ? [] : [`the unfilled rest is cancelled at ${formatUtc(o.deadline)}`]),
  ]);
}

/** Part of an order filled; the rest is still on the book. */
export function renderLiveOrderPartialText(o: LiveOrderText & LiveFillText): string {
  return bounded([header(o, '◐ partially filled'), orderLine(o), fillLine(o, o)]);
}

/** An order completely filled. */
export function renderLiveOrderFilledText(o: LiveOrderText & LiveFillText): string {
  return bounded([header(o, `✅ ${o.role === 'entry' ? 'BUY' : 'SELL'} filled`), orderLine(o), fillLine(o, o)]);
}

/** An order cancelled (timeout, panic…) or expired: what was filled stays, the rest of the reservation is released. */
export function renderLiveOrderCancelledText(o: LiveOrderText & LiveFillText & { readonly reason: string; readonly released: number }): string {
  const quote = quoteCurrency(o.symbol);
  return bounded([
    header(o, '✖️ order cancelled'),
    orderLine(o),
    `reason: ${clipHtml(o.reason)}`,
    o.filled > 0 ? fillLine(o, o) : 'nothing was filled',
    `released ${amount(o.released, quote)} of the reservation`,
  ]);
}

/** Why the bot did not trade, in words (reason codes of the store and the opener). */
export const REFUSAL_TEXTS: Readonly<Record<string, string>> = {
  'already-open': 'a live position in this market is already open',
  'max-open': 'the maximum number of open live positions is reached',
  'no-budget': 'not enough of the bot budget is available',
  'daily-loss': "today's loss limit is reached (no new entry until 00:00 UTC)",
  cooldown: 'this market is cooling down after a stop-loss',
  halted: 'live trading is halted (drawdown limit); an admin can /resume',
  panic: 'a panic was requested; an admin can /resume',
  'spot-long-only': 'spot trading is long only: a short signal with no open long is not traded',
  'min-amount': "the amount is below the market's minimum",
  'min-notional': "the order value is below the market's minimum notional",
  'max-amount': "the amount is above the market's maximum",
  'zero-amount': "the stake rounds to nothing at the market's precision",
  'max-stake': 'the stake is above the maximum stake per trade',
  'no-budget-row': 'the live budget of this exchange is not set up yet',
  rejected: 'the exchange rejected the order',
};

/** A signal not traded live (recorded with its reason, never silently dropped). */
export function renderLiveRefusedText(r: LiveMarketRef & { readonly side: 'long' | 'short'; readonly reason: string; readonly detail?: string; readonly figures?: readonly LiveFigure[] }): string {
  const quote = quoteCurrency(r.symbol);
  const figures = fitItems((r.figures ?? []).map((f) => `${clipHtml(f.label, 40)} ${amount(f.value, f.unit ?? quote)}`));
  return bounded([
    header(r, `⛔ ${r.side === 'long' ? 'LONG' : 'SHORT'} not traded`),
    `reason: ${escapeHtml(Object.hasOwn(REFUSAL_TEXTS, r.reason) ? REFUSAL_TEXTS[r.reason]! : clip(r.reason, 64))} (${code(r.reason)})`,
    ...(r.detail ? [clipHtml(r.detail)] : []),
    ...(figures.length > 0 ? [figures.join(' · ')] : []),
  ]);
}

/** Admin alert: an order whose fate is unknown after the look-ups (never re-sent). */
export function renderLiveOrderLostText(o: LiveOrderText & { readonly lookups: number; readonly submittedAt?: number; readonly released?: number }): string {
  const quote = quoteCurrency(o.symbol);
  return bounded([
    header(o, '🚨 ALERT: order lost'),
    orderLine(o),
    `not found on the exchange after ${o.lookups} look-up${o.lookups === 1 ? '' : 's'}${o.submittedAt === undefined ? '' : ` (sent ${formatUtc(o.submittedAt)})`}; it is never re-sent.`,
    ...(o.released === undefined ? [] : [`released ${amount(o.released, quote)} of the reservation`]),
    `Check: the exchange's order history and trades of ${clipHtml(o.symbol, 40)} for client order id ${code(o.clientOrderId)}, and the account balance. If it exists after all, reconcile adopts it and reports; otherwise nothing was traded.`,
  ]);
}

/** Protective exits of a live position (one OCO: target above, stop-limit below). */
export interface LiveProtectionText extends LiveMarketRef {
  readonly amount: number;
  readonly stop: number;
  readonly stopLimit?: number;
  readonly target: number;
  /** Client order id of the OCO list. */
  readonly clientOrderId: string;
  /** 0 for the first placement, then each re-placement. */
  readonly generation?: number;
}

export function renderProtectionPlacedText(p: LiveProtectionText): string {
  const again = p.generation ? ` (re-placed, #${p.generation})` : '';
  return bounded([
    header(p, `🛡 protection placed${again}`),
    `sell ${formatPrice(p.amount)} ${baseOf(p.symbol)}: target ${price(p.target)} · stop ${price(p.stop)}${p.stopLimit === undefined ? '' : ` (limit ${price(p.stopLimit)})`}`,
    `id ${code(p.clientOrderId)}`,
  ]);
}

/** Admin alert: the protective exits could not be placed; `marketExit`: a market sell was sent instead. */
export function renderProtectionFailedText(p: LiveProtectionText & { readonly error: string; readonly marketExit: boolean }): string {
  return bounded([
    header(p, '🚨 ALERT: protection failed'),
    `could not place stop ${price(p.stop)} / target ${price(p.target)} for ${formatPrice(p.amount)} ${baseOf(p.symbol)}: ${clipHtml(p.error)}`,
    p.marketExit
      ? 'The position is being closed at market (exitOnProtectionFailure).'
      : `The position is OPEN WITHOUT a stop on the exchange. Check the account on ${clipHtml(p.exchange, 40)}; close it by hand or send /panic.`,
  ]);
}

/** A closed live position: the exchange's actual fills next to what the pure rules said. */
export interface LiveClosedText extends LiveMarketRef {
  /** stop | target | signal | panic | protection-failed | … */
  readonly reason: string;
  /** Exit reason rule: the strategy's reason (shown as "closed by rule: <note>"). */ readonly note?: string;
  readonly qty: number;
  /** Average entry fill price and the rule's entry reference. */
  readonly avgEntry: number;
  readonly ruleEntry: number;
  /** Average exit fill price and the rule's price for this exit (stop or target), when it has one. */
  readonly exitPrice: number;
  readonly ruleExit?: number;
  readonly entryFee: number;
  readonly exitFee: number;
  /** Net PnL in quote: proceeds − cost − both fees. */
  readonly pnl: number;
  /** Quote spent on entry (fees excluded), for the percentage. */
  readonly cost: number;
  readonly openedAt?: number;
  readonly closedAt: number;
}

const slip = (actual: number, rule: number): string => (rule > 0 ? ` (${formatPercent(actual / rule - 1)} vs rule)` : '');

export function renderLivePositionClosedText(p: LiveClosedText): string {
  const quote = quoteCurrency(p.symbol);
  const mark = p.pnl > 0 ? '✅' : p.pnl < 0 ? '❌' : '➖';
  const pct = p.cost > 0 ? ` (${formatPercent(p.pnl / p.cost)})` : '';
  return bounded([
    header(p, `${mark} LONG closed`),
    `${p.note === undefined ? `exit reason ${code(p.reason)}` : `closed by rule: ${clipHtml(p.note, 40)}`} at ${formatUtc(p.closedAt)} · ${formatPrice(p.qty)} ${baseOf(p.symbol)}`,
    `entry filled ${price(p.avgEntry)} · rule ${price(p.ruleEntry)}${slip(p.avgEntry, p.ruleEntry)}`,
    `exit filled ${price(p.exitPrice)}${p.ruleExit === undefined ? '' : ` · rule ${price(p.ruleExit)}${slip(p.exitPrice, p.ruleExit)}`}`,
    `fees ${amount(p.entryFee, quote)} entry + ${amount(p.exitFee, quote)} exit`,
    `PnL <code>${escapeHtml(formatAmount(p.pnl, clip(quote, 12), { sign: true }))}</code>${pct} after fees`,
  ]);
}

/** A generic admin alert: what happened, details, and what to check. */
export function renderLiveAlertText(a: { readonly venue: 'live' | 'testnet'; readonly exchange: string; readonly title: string; readonly detail?: string; readonly check?: string; readonly code?: string }): string {
  return bounded([
    `<b>${tradingMarker(a.venue)} 🚨 ALERT: ${clipHtml(a.title, 120)}</b> · ${clipHtml(a.exchange, 40)}`,
    ...(a.detail ? [clipHtml(a.detail)] : []),
    ...(a.code ? [`code ${code(a.code)}`] : []),
    ...(a.check ? [`Check: ${clipHtml(a.check)}`] : []),
  ]);
}

/** An exchange a panic was requested for; `already`: requested before this confirmation (not twice). */
export interface PanicExchangeText { readonly venue: 'live' | 'testnet'; readonly exchange: string; readonly already?: boolean }

/** The answer to a confirmed /panic: what is stopped now and what happens next. */
export function renderPanicAcceptedText(p: { readonly exchanges: readonly PanicExchangeText[]; readonly requestedAt: number }): string {
  return bounded([
    `<b>🛑 PANIC requested</b> at ${formatUtc(p.requestedAt)}`,
    ...fitItems(p.exchanges.map((e) => `${tradingMarker(e.venue)} ${clipHtml(e.exchange, 40)}: ${e.already ? 'already requested earlier' : 'requested now'}`)),
    'No new live entry is opened from now on.',
    'Within about a minute reconcile cancels every open bot order and sells every open live position at market, then reports here.',
    'Trading stays halted until an admin sends /resume.',
  ]);
}

/** What reconcile did for one exchange's panic. */
export interface PanicReportText {
  readonly venue: 'live' | 'testnet';
  readonly exchange: string;
  readonly cancelled: number;
  readonly closed: number;
  /** Orders or positions that could not be handled (retried on the next run). */
  readonly failed: readonly { readonly what: string; readonly error: string }[];
  /** Bot orders still open on the exchange after the run, when counted. */
  readonly openOrdersLeft?: number;
  readonly handledAt: number;
}

export function renderPanicReportText(r: PanicReportText): string {
  const done = r.failed.length === 0;
  return bounded([
    `<b>${tradingMarker(r.venue)} 🛑 PANIC ${done ? 'done' : 'INCOMPLETE'}</b> · ${clipHtml(r.exchange, 40)} · ${formatUtc(r.handledAt)}`,
    `cancelled ${r.cancelled} order${r.cancelled === 1 ? '' : 's'} · closed ${r.closed} position${r.closed === 1 ? '' : 's'} at market`,
    ...(r.openOrdersLeft === undefined ? [] : [`bot orders still open: ${r.openOrdersLeft}`]),
    ...(done ? [] : [`failed ${r.failed.length}:`, ...fitItems(r.failed.map((f) => `• ${clipHtml(f.what, 80)}: ${clipHtml(f.error, 200)}`)), 'The next reconcile run retries them.']),
    'Trading stays halted until an admin sends /resume.',
  ]);
}
