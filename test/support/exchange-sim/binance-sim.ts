/**
 * Binance spot REST simulator for tests and benchmarks: node:http on 127.0.0.1, random port.
 * Serves /api/v3/exchangeInfo, /api/v3/klines, /api/v3/time, /api/v3/ping with Binance's
 * shapes, request weight per minute (429 past the limit) and injectable faults. With `account`,
 * also the spot order and account endpoints (signed requests, orders, OCO, fills, balances):
 * sim-trading.ts documents them and the control methods (orders, setPrice, setOrderFault, …).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, exchangeInfoBody, INTERVAL_MS, parseSimSymbol, toBinanceId, type SimFilters, type SimSymbol } from './binance-payloads.js';
import { FaultBook, statusBody, type ExchangeInfoFault, type SimFault } from './faults.js';
import { selectKlines } from './klines.js';
import { CandleSeries, hashString } from './random-walk.js';
import { AggregateSeries, type KlineSource } from './aggregate.js';
import { ORDER_ROUTES, runOrderRoute, type SimAccountOptions } from './order-routes.js';
import { createSimTrading, type SimTradingControls } from './sim-trading.js';
import { ORDER_WEIGHT, REQUEST_WEIGHT, WeightWindow } from './weight.js';

export type { ExchangeInfoFault, SimFault } from './faults.js';
export type { SimFilters } from './binance-payloads.js';
export type { OrderFault, OrderRequestKind, SimAccountOptions, SimCommission, SimFill, SimOrder, SimTradingControls } from './sim-trading.js';

export interface BinanceSimOptions {
  /** ccxt symbols, e.g. `BTC/USDT`. */
  readonly symbols: readonly string[];
  /** Simulated "now": the last candle returned is the one forming at this instant. */
  readonly nowMs: number;
  /** Candles per symbol and interval before `nowMs` (default 1000). */
  readonly history?: number;
  readonly seed?: number;
  /** Delay before every answer (default 0). */
  readonly latencyMs?: number;
  /** Klines faults by symbol (`BTC/USDT` or `BTCUSDT`). */
  readonly faults?: Readonly<Record<string, SimFault>>;
  readonly exchangeInfoFault?: ExchangeInfoFault;
  /** Non-TRADING statuses by symbol, e.g. `{ 'LUNA/USDT': 'BREAK' }`. */
  readonly symbolStatus?: Readonly<Record<string, string>>;
  /** Request weight allowed per minute (default 6000, as Binance). */
  readonly weightLimitPerMinute?: number;
  /** Wall clock for request timestamps and weight windows (default Date.now). */
  readonly wallClock?: () => number;
  /** The trading account (keys, balances, commission): enables the order endpoints (sim-trading.ts). */
  readonly account?: SimAccountOptions;
  /** exchangeInfo filters by symbol (`BTC/USDT`), over the defaults (binance-payloads.ts DEFAULT_FILTERS). */
  readonly filters?: Readonly<Record<string, Partial<SimFilters>>>;
  /**
   * When set (e.g. '15m'), every interval that is a strict multiple of it is the aggregate of the
   * symbol's base-interval series (aggregate.ts), as on a real exchange; others stay independent
   * random walks. Default: every interval is its own random walk.
   */
  readonly baseInterval?: string;
}

export interface SimRequest {
  readonly path: string;
  readonly symbol: string | undefined;
  /** Wall-clock arrival time (ms). */
  readonly at: number;
}

export interface BinanceSim extends SimTradingControls {
  readonly url: string;
  readonly port: number;
  /** Live counters of requests to each endpoint (faulted and weight-rejected ones included). */
  readonly hits: { readonly exchangeInfo: number; readonly klines: number };
  readonly requestLog: readonly SimRequest[];
  setFault(symbol: string, fault: SimFault | undefined): void;
  setExchangeInfoFault(fault: ExchangeInfoFault | undefined): void;
  setNow(ms: number): void;
  /** Request weight used in the current minute. */
  usedWeight(): number;
  /** Stops the server, ending hanging requests. Idempotent. */
  close(): Promise<void>;
}

const EXCHANGE_INFO = '/api/v3/exchangeInfo';
const KLINES = '/api/v3/klines';

export async function startBinanceSim(options: BinanceSimOptions): Promise<BinanceSim> {
  const wallClock = options.wallClock ?? Date.now;
  const history = options.history ?? 1000;
  const seed = options.seed ?? 1;
  const latencyMs = options.latencyMs ?? 0;
  const initialNow = options.nowMs;
  let nowMs = options.nowMs;

  const symbols = new Map<string, SimSymbol>();
  for (const s of options.symbols) {
    const parsed = parseSimSymbol(s, options.symbolStatus?.[s] ?? 'TRADING', options.filters?.[s]);
    symbols.set(parsed.id, parsed);
  }
  const klineFaults = new FaultBook<string>();
  for (const [symbol, fault] of Object.entries(options.faults ?? {})) klineFaults.set(toBinanceId(symbol), fault);
  const infoFaults = new FaultBook<'exchangeInfo'>();
  infoFaults.set('exchangeInfo', options.exchangeInfoFault);
  const weight = new WeightWindow(options.weightLimitPerMinute ?? 6000, wallClock);
  const series = new Map<string, CandleSeries>();
  const aggregates = new Map<string, AggregateSeries>();
  if (options.baseInterval !== undefined && INTERVAL_MS[options.baseInterval] === undefined) throw new RangeError(`baseInterval ${options.baseInterval} is not a Binance interval`);
  const hits = { exchangeInfo: 0, klines: 0 };
  const requestLog: SimRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function seriesFor(id: string, interval: string, timeframeMs: number): CandleSeries {
    const key = `${id}|${interval}`;
    let s = series.get(key);
    if (s === undefined) {
      const h = hashString(key, seed);
      s = new CandleSeries({
        seed: h,
        timeframeMs,
        firstIndex: Math.floor(initialNow / timeframeMs) - history + 1,
        startPrice: 1 + (h % 50_000),
      });
      series.set(key, s);
    }
    return s;
  }

  /** The klines source of an interval: its own series, or the aggregate of the base interval's (options.baseInterval). */
  function sourceFor(id: string, interval: string, timeframeMs: number): KlineSource {
    const base = options.baseInterval;
    const baseMs = base === undefined ? undefined : INTERVAL_MS[base];
    if (base === undefined || baseMs === undefined || timeframeMs <= baseMs || timeframeMs % baseMs !== 0) return seriesFor(id, interval, timeframeMs);
    const key = `${id}|${interval}`;
    let a = aggregates.get(key);
    if (a === undefined) {
      a = new AggregateSeries(seriesFor(id, base, baseMs), timeframeMs);
      aggregates.set(key, a);
    }
    return a;
  }

  /** Default price of a symbol for the order book: the last closed 1h candle's close. */
  const defaultPrice = (id: string): number => {
    const tf = INTERVAL_MS['1h']!;
    return seriesFor(id, '1h', tf).candle(Math.floor(nowMs / tf) - 1).close;
  };
  const trading = createSimTrading({ symbols, account: options.account, wallClock, defaultPrice });

  function send(res: ServerResponse, status: number, type: string, text: string, headers: Record<string, string> = {}): void {
    const write = (): void => {
      if (res.destroyed) return;
      res.writeHead(status, { 'Content-Type': type, 'X-MBX-USED-WEIGHT-1M': String(weight.used()), ...headers });
      res.end(text);
    };
    if (latencyMs <= 0) return write();
    const timer = setTimeout(() => {
      timers.delete(timer);
      write();
    }, latencyMs);
    timers.add(timer);
  }

  const json = (res: ServerResponse, status: number, body: unknown): void =>
    send(res, status, 'application/json;charset=UTF-8', typeof body === 'string' ? body : JSON.stringify(body));

  /** Answers `fault` if it is a response-level fault; true when handled. */
  function answerFault(res: ServerResponse, fault: SimFault | undefined): boolean {
    if (fault === undefined) return false;
    switch (fault.kind) {
      case 'status': {
        const body = statusBody(fault.status, fault.body);
        const headers: Record<string, string> = fault.retryAfterSec === undefined ? {} : { 'Retry-After': String(fault.retryAfterSec) };
        send(res, fault.status, body.type, body.text, headers);
        return true;
      }
      case 'timeout':
        return true; // never answered; close() ends the connection
      case 'malformedJson':
        json(res, 200, '[[1700000000000,"1.0","1.1","0.9",');
        return true;
      case 'unknownSymbol':
        json(res, 400, errorBody(-1121, 'Invalid symbol.'));
        return true;
      default:
        return false;
    }
  }

  function handleKlines(url: URL, res: ServerResponse, id: string | undefined): void {
    const interval = url.searchParams.get('interval') ?? '';
    const timeframeMs = INTERVAL_MS[interval];
    if (id === undefined) return json(res, 400, errorBody(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."));
    if (timeframeMs === undefined) return json(res, 400, errorBody(-1120, 'Invalid interval.'));
    if (!symbols.has(id)) return json(res, 400, errorBody(-1121, 'Invalid symbol.'));
    const fault = klineFaults.take(id);
    if (answerFault(res, fault)) return;
    const num = (name: string): number | undefined => {
      const v = url.searchParams.get(name);
      return v === null || v === '' ? undefined : Number(v);
    };
    const limit = Math.min(Math.max(num('limit') ?? 500, 1), 1000);
    const startTime = num('startTime');
    const endTime = num('endTime');
    const rows = selectKlines(sourceFor(id, interval, timeframeMs), nowMs, {
      limit,
      ...(startTime === undefined ? {} : { startTime }),
      ...(endTime === undefined ? {} : { endTime }),
    }, fault);
    json(res, 200, rows);
  }

  function handleOrderRoute(key: string, url: URL, req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const apiKey = req.headers['x-mbx-apikey'];
      const result = runOrderRoute(key, url.search.replace(/^\?/, ''), Buffer.concat(chunks).toString('utf8'), typeof apiKey === 'string' ? apiKey : undefined, trading.deps);
      if (result.kind === 'destroy') return void req.socket.destroy();
      if (result.kind === 'hang') return; // never answered; close() ends the connection
      send(res, result.status, result.type, result.text, result.headers);
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawSymbol = url.searchParams.get('symbol');
    const id = rawSymbol === null || rawSymbol === '' ? undefined : rawSymbol;
    requestLog.push({ path: url.pathname, symbol: id, at: wallClock() });
    if (url.pathname === EXCHANGE_INFO) hits.exchangeInfo += 1;
    if (url.pathname === KLINES) hits.klines += 1;
    const routeKey = `${req.method ?? 'GET'} ${url.pathname}`;
    const orderRoute = Object.hasOwn(ORDER_ROUTES, routeKey);
    if (req.method !== 'GET' && !orderRoute) return json(res, 405, errorBody(-1, 'Method not allowed.'));
    const cost = orderRoute ? ORDER_WEIGHT[routeKey] : REQUEST_WEIGHT[url.pathname];
    if (cost === undefined) return send(res, 404, 'text/html', '<html><body>404 Not Found</body></html>');
    if (!weight.tryUse(cost)) {
      return send(res, 429, 'application/json;charset=UTF-8',
        errorBody(-1003, `Too much request weight used; current limit is ${weight.limit} request weight per 1 MINUTE.`),
        { 'Retry-After': String(weight.secondsToReset()) });
    }
    if (orderRoute) return handleOrderRoute(routeKey, url, req, res);
    switch (url.pathname) {
      case EXCHANGE_INFO:
        if (answerFault(res, infoFaults.take('exchangeInfo'))) return;
        return json(res, 200, exchangeInfoBody([...symbols.values()], trading.serverTime()));
      case KLINES:
        return handleKlines(url, res, id);
      case '/api/v3/time':
        return json(res, 200, { serverTime: trading.serverTime() });
      default:
        return json(res, 200, {});
    }
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    requestLog,
    setFault: (symbol, fault) => klineFaults.set(toBinanceId(symbol), fault),
    setExchangeInfoFault: (fault) => infoFaults.set('exchangeInfo', fault),
    setNow: (ms) => {
      nowMs = ms;
    },
    usedWeight: () => weight.used(),
    ...trading.controls,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
