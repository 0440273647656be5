/** Test helper: awaits a rejection and checks it is a classified CandlebotError. */
import assert from 'node:assert/strict';
import { CandlebotError, type ErrorKind } from '../../../lib/errors.js';

export interface ExpectedError {
  readonly kind: ErrorKind;
  readonly code: string;
  /** `name` of the kept `cause` (e.g. a ccxt class name); checked when given. */
  readonly causeName?: string;
}

export async function expectClassified(promise: Promise<unknown>, expected: ExpectedError): Promise<CandlebotError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected a ${expected.kind} ${expected.code} rejection, got a result`);
  assert.ok(caught instanceof CandlebotError, `expected a CandlebotError, got ${String(caught)}`);
  assert.equal(caught.code, expected.code, caught.message);
  assert.equal(caught.kind, expected.kind, caught.message);
  if (expected.causeName !== undefined) {
    assert.ok(caught.cause instanceof Error, `cause kept: ${caught.message}`);
    assert.equal(caught.cause.name, expected.causeName, caught.message);
  }
  return caught;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
