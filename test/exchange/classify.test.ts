import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ccxtErrors from '../../node_modules/ccxt/js/src/base/errors.js';
import errorHierarchy from '../../node_modules/ccxt/js/src/base/errorHierarchy.js';
import { ConfigError, PermanentError, TransientError } from '../../lib/errors.js';
import { ccxtErrorChain, classifyExchangeError } from '../../lib/exchange/classify.js';
import { parseRetryAfter } from '../../lib/exchange/response-meta.js';

type Expect = readonly [kind: 'transient' | 'permanent', code: string];

/** Every ccxt error class → expected classification (real ccxt classes, no mocks). */
const EXPECTED: Readonly<Record<string, Expect>> = {
  DDoSProtection: ['transient', 'RATE_LIMITED'],
  RateLimitExceeded: ['transient', 'RATE_LIMITED'],
  RequestTimeout: ['transient', 'TIMEOUT'],
  ExchangeNotAvailable: ['transient', 'EXCHANGE_UNAVAILABLE'],
  OnMaintenance: ['transient', 'EXCHANGE_UNAVAILABLE'],
  NetworkError: ['transient', 'NETWORK'],
  InvalidNonce: ['transient', 'NETWORK'],
  ChecksumError: ['transient', 'NETWORK'],
  OperationFailed: ['transient', 'EXCHANGE_FAILED'],
  CancelPending: ['transient', 'EXCHANGE_FAILED'],
  BadResponse: ['permanent', 'BAD_RESPONSE'],
  NullResponse: ['permanent', 'BAD_RESPONSE'],
  BadSymbol: ['permanent', 'BAD_SYMBOL'],
  BadRequest: ['permanent', 'BAD_REQUEST'],
  AuthenticationError: ['permanent', 'AUTH'],
  PermissionDenied: ['permanent', 'AUTH'],
  AccountNotEnabled: ['permanent', 'AUTH'],
  AccountSuspended: ['permanent', 'AUTH'],
  NotSupported: ['permanent', 'NOT_SUPPORTED'],
  ExchangeError: ['permanent', 'EXCHANGE_ERROR'],
  InsufficientFunds: ['permanent', 'EXCHANGE_ERROR'],
  OrderNotFound: ['permanent', 'EXCHANGE_ERROR'],
  MarketClosed: ['permanent', 'EXCHANGE_ERROR'],
  ArgumentsRequired: ['permanent', 'EXCHANGE_ERROR'],
  OperationRejected: ['permanent', 'EXCHANGE_ERROR'],
  NoChange: ['permanent', 'EXCHANGE_ERROR'],
  MarginModeAlreadySet: ['permanent', 'EXCHANGE_ERROR'],
  ManualInteractionNeeded: ['permanent', 'EXCHANGE_ERROR'],
  RestrictedLocation: ['permanent', 'EXCHANGE_ERROR'],
  InvalidAddress: ['permanent', 'EXCHANGE_ERROR'],
  AddressPending: ['permanent', 'EXCHANGE_ERROR'],
  InvalidOrder: ['permanent', 'EXCHANGE_ERROR'],
  OrderNotCached: ['permanent', 'EXCHANGE_ERROR'],
  OrderImmediatelyFillable: ['permanent', 'EXCHANGE_ERROR'],
  OrderNotFillable: ['permanent', 'EXCHANGE_ERROR'],
  DuplicateOrderId: ['permanent', 'EXCHANGE_ERROR'],
  ContractUnavailable: ['permanent', 'EXCHANGE_ERROR'],
  InvalidProxySettings: ['permanent', 'EXCHANGE_ERROR'],
  ExchangeClosedByUser: ['permanent', 'EXCHANGE_ERROR'],
  BaseError: ['permanent', 'EXCHANGE_ERROR'],
  UnsubscribeError: ['permanent', 'EXCHANGE_ERROR'],
};

const classes = ccxtErrors as unknown as Record<string, new (message: string) => Error>;

describe('classifyExchangeError: ccxt classes', () => {
  it('covers every class in ccxt’s error hierarchy (a new ccxt class fails this test)', () => {
    const names: string[] = [];
    const walk = (node: object): void => {
      for (const [name, children] of Object.entries(node)) {
        names.push(name);
        walk(children as object);
      }
    };
    walk(errorHierarchy);
    assert.deepEqual(names.filter((n) => !(n in EXPECTED)), []);
  });

  for (const [name, [kind, code]] of Object.entries(EXPECTED)) {
    it(`${name} → ${kind} ${code}, cause kept`, () => {
      const ErrorClass = classes[name];
      assert.ok(ErrorClass, `ccxt exports ${name}`);
      const original = new ErrorClass(`binance something about ${name}`);
      const classified = classifyExchangeError(original, 'binance fetchOHLCV BTC/USDT 1h');
      assert.equal(classified.kind, kind);
      assert.equal(classified.code, code);
      assert.equal(classified.cause, original);
      assert.ok(classified instanceof (kind === 'transient' ? TransientError : PermanentError));
      assert.match(classified.message, /^binance fetchOHLCV BTC\/USDT 1h: /);
      assert.match(classified.message, new RegExp(name));
    });
  }

  it('walks the real hierarchy: DDoSProtection and RequestTimeout are NetworkErrors, BadSymbol a BadRequest', () => {
    assert.deepEqual(ccxtErrorChain(new classes['DDoSProtection']!('x')), ['DDoSProtection', 'NetworkError', 'OperationFailed', 'BaseError']);
    assert.deepEqual(ccxtErrorChain(new classes['RequestTimeout']!('x')), ['RequestTimeout', 'NetworkError', 'OperationFailed', 'BaseError']);
    assert.deepEqual(ccxtErrorChain(new classes['BadSymbol']!('x')), ['BadSymbol', 'BadRequest', 'ExchangeError', 'BaseError']);
    assert.equal(ccxtErrorChain(new Error('plain')), undefined);
  });

  it('truncates huge messages (HTML bodies) but keeps the full cause', () => {
    const original = new classes['ExchangeNotAvailable']!(`binance 502 ${'<html>'.repeat(500)}`);
    const classified = classifyExchangeError(original);
    assert.ok(classified.message.length < 400);
    assert.equal(classified.cause, original);
  });
});

describe('classifyExchangeError: non-ccxt errors', () => {
  it('a CandlebotError passes through unchanged', () => {
    const error = new ConfigError('bad', { code: 'BAD_CONFIG' });
    assert.equal(classifyExchangeError(error), error);
  });

  it('fetch "fetch failed" with ECONNREFUSED cause → transient NETWORK', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = new TypeError('fetch failed', { cause });
    const classified = classifyExchangeError(error);
    assert.deepEqual([classified.kind, classified.code], ['transient', 'NETWORK']);
    assert.equal(classified.cause, error);
  });

  it('AbortError / TimeoutError → transient TIMEOUT', () => {
    for (const name of ['AbortError', 'TimeoutError']) {
      const error = new DOMException('aborted', name);
      const classified = classifyExchangeError(error);
      assert.deepEqual([classified.kind, classified.code], ['transient', 'TIMEOUT'], name);
    }
  });

  it('anything else → permanent UNEXPECTED, never swallowed', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const classified = classifyExchangeError(bug);
    assert.deepEqual([classified.kind, classified.code], ['permanent', 'UNEXPECTED']);
    assert.equal(classified.cause, bug);
    const thrownString = classifyExchangeError('boom');
    assert.deepEqual([thrownString.kind, thrownString.code], ['permanent', 'UNEXPECTED']);
    assert.equal(thrownString.cause, 'boom');
  });

  it('an Error merely named like a ccxt class but unknown to ccxt stays UNEXPECTED', () => {
    const e = new Error('x');
    e.name = 'NotACcxtError';
    assert.equal(classifyExchangeError(e).code, 'UNEXPECTED');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('7', 0), 7000);
    assert.equal(parseRetryAfter('0.5', 0), 500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('garbage', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});
