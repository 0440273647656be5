/** Action buttons (lib/bot/action-buttons.ts): signed per chat, stamped, allow-listed, ≤ 64 bytes, never a page button. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACTION_BUTTONS, createActionCodec } from '../../lib/bot/action-buttons.js';
import { createPageCodec, deriveCallbackKey } from '../../lib/bot/pagination.js';

const KEY = deriveCallbackKey('s'.repeat(32), 'webhook-secret');
const T = Date.UTC(2026, 11, 6, 18, 0, 7);

describe('action buttons', () => {
  it('round-trips /panic confirm for the chat it was made for, stamped to the second, within 64 bytes', () => {
    assert.deepEqual(ACTION_BUTTONS, { panic: ['confirm'] });
    const codec = createActionCodec(KEY);
    const data = codec.encode(-1_001_234_567_890, { command: 'panic', action: 'confirm', issuedAt: T + 999 })!;
    assert.match(data, /^ac:[A-Za-z0-9_-]{12}:[0-9a-z]+:panic:confirm$/);
    assert.ok(Buffer.byteLength(data) <= 64);
    assert.deepEqual(codec.decode(-1_001_234_567_890, data), { command: 'panic', action: 'confirm', issuedAt: T });
  });

  it('another chat, another key, any changed byte, a page codec and a page button decode to nothing', () => {
    const codec = createActionCodec(KEY);
    const data = codec.encode(42, { command: 'panic', action: 'confirm', issuedAt: T })!;
    assert.equal(codec.decode(43, data), undefined);
    assert.equal(createActionCodec(deriveCallbackKey('t'.repeat(32), 'webhook-secret')).decode(42, data), undefined);
    for (let i = 0; i < data.length; i++) {
      const changed = data.slice(0, i) + (data[i] === 'A' ? 'B' : 'A') + data.slice(i + 1);
      assert.equal(codec.decode(42, changed), undefined, `byte ${i} changed: ${changed}`);
    }
    // Later issued (a replayed button re-stamped) is a different payload: refused.
    assert.equal(codec.decode(42, data.replace(/:([0-9a-z]+):panic/, (_, t: string) => `:${(parseInt(t, 36) + 600).toString(36)}:panic`)), undefined);
    // The two codecs share the bot's key but never each other's data.
    assert.equal(createPageCodec(KEY).decode(42, data), undefined);
    const page = createPageCodec(KEY).encode(42, { page: 2, command: 'help', args: [] })!;
    assert.equal(codec.decode(42, page), undefined);
  });

  it('only allow-listed (command, action) pairs are encoded or decoded, even correctly signed', () => {
    const codec = createActionCodec(KEY);
    for (const [command, action] of [['panic', 'other'], ['resume', 'confirm'], ['subscribe', 'confirm'], ['constructor', 'confirm']] as const) {
      assert.equal(codec.encode(42, { command, action, issuedAt: T }), undefined, `${command}:${action}`);
      const forged = createActionCodec(KEY, { [command]: [action] }).encode(42, { command, action, issuedAt: T })!;
      assert.ok(forged);
      assert.equal(codec.decode(42, forged), undefined, forged);
    }
    for (const bad of ['', 'ac:', 'ac:AAAAAAAAAAAA:1:panic:confirm', 'pg:AAAAAAAAAAAA:1:panic', 'ac:AAAAAAAAAAAA:zzzzzzzzzz:panic:confirm']) assert.equal(codec.decode(42, bad), undefined, bad);
    assert.throws(() => createActionCodec(new Uint8Array(16)), /at least 32 bytes/);
  });
});
