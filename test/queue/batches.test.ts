import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchesOf, MAX_BATCH_BYTES } from '../../lib/queue/sqs-notification-queue.js';

const item = (bytes: number, id = 'x') => ({ id, body: 'a'.repeat(bytes) });

test('batches hold at most 10 entries', () => {
  const batches = batchesOf(Array.from({ length: 23 }, () => item(10)));
  assert.deepEqual(batches.map((b) => b.length), [10, 10, 3]);
});

test('batches are cut by total bytes (charts make bodies large) and keep order', () => {
  const items = Array.from({ length: 10 }, (_, i) => item(40_000, String(i)));
  const batches = batchesOf(items);
  for (const b of batches) assert.ok(b.reduce((n, x) => n + x.body.length, 0) <= MAX_BATCH_BYTES);
  assert.deepEqual(batches.map((b) => b.length), [6, 4]);
  assert.deepEqual(batches.flat().map((x) => x.id), items.map((x) => x.id));
});

test('multi-byte characters count as bytes, not characters', () => {
  const batches = batchesOf([{ id: 'a', body: 'é'.repeat(600) }, { id: 'b', body: 'é'.repeat(600) }], 2_000);
  assert.deepEqual(batches.map((b) => b.length), [1, 1]);
});

test('a single body over the limit is a clear permanent error', () => {
  assert.throws(() => batchesOf([item(MAX_BATCH_BYTES + 1)]), { code: 'NOTIFICATION_TOO_LARGE' });
});
