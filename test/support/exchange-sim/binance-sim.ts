/**
 * Binance spot REST simulator for tests and benchmarks: node:http on 127.0.0.1, random port.
 * Serves /api/v3/exchangeInfo, /api/v3/klines, /api/v3/time, /api/v3/ping with Binance's
 * shapes, request weight per minute (429 past the limit) and injectable faults.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, exchangeInfoBody, INTERVAL_MS, parseSimSymbol, toBinanceId, type SimSymbol } from './binance-payloads.js';
import { FaultBook, statusBody, type ExchangeInfoFault, type SimFault } from './faults.js';
import { selectKlines } from './klines.js';
import { CandleSeries, hashString } from './random-walk.js';
import { REQUEST_WEIGHT, WeightWindow } from './weight.js';

export type { ExchangeInfoFault, SimFault } from './faults.js';

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
}

export interface SimRequest {
  readonly path: string;
  readonly symbol: string | undefined;
  /** Wall-clock arrival time (ms). */
  readonly at: number;
}

export interface BinanceSim {
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
    const parsed = parseSimSymbol(s, options.symbolStatus?.[s] ?? 'TRADING');
    symbols.set(parsed.id, parsed);
  }
  const klineFaults = new FaultBook<string>();
  for (const [symbol, fault] of Object.entries(options.faults ?? {})) klineFaults.set(toBinanceId(symbol), fault);
  const infoFaults = new FaultBook<'exchangeInfo'>();
  infoFaults.set('exchangeInfo', options.exchangeInfoFault);
  const weight = new WeightWindow(options.weightLimitPerMinute ?? 6000, wallClock);
  const series = new Map<string, CandleSeries>();
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
    const rows = selectKlines(seriesFor(id, interval, timeframeMs), nowMs, {
      limit,
      ...(startTime === undefined ? {} : { startTime }),
      ...(endTime === undefined ? {} : { endTime }),
    }, fault);
    json(res, 200, rows);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawSymbol = url.searchParams.get('symbol');
    const id = rawSymbol === null || rawSymbol === '' ? undefined : rawSymbol;
    requestLog.push({ path: url.pathname, symbol: id, at: wallClock() });
    if (url.pathname === EXCHANGE_INFO) hits.exchangeInfo += 1;
    if (url.pathname === KLINES) hits.klines += 1;
    if (req.method !== 'GET') return json(res, 405, errorBody(-1, 'Method not allowed.'));
    const cost = REQUEST_WEIGHT[url.pathname];
    if (cost === undefined) return send(res, 404, 'text/html', '<html><body>404 Not Found</body></html>');
    if (!weight.tryUse(cost)) {
      return send(res, 429, 'application/json;charset=UTF-8',
        errorBody(-1003, `Too much request weight used; current limit is ${weight.limit} request weight per 1 MINUTE.`),
        { 'Retry-After': String(weight.secondsToReset()) });
    }
    switch (url.pathname) {
      case EXCHANGE_INFO:
        if (answerFault(res, infoFaults.take('exchangeInfo'))) return;
        return json(res, 200, exchangeInfoBody([...symbols.values()], wallClock()));
      case KLINES:
        return handleKlines(url, res, id);
      case '/api/v3/time':
        return json(res, 200, { serverTime: wallClock() });
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
