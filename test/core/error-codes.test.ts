import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, isErrorCode, permanentCodeOr } from '../../lib/error-codes.js';
import { ConfigError, PermanentError, TransientError } from '../../lib/errors.js';
import { TelegramApiError, type TelegramFailure } from '../../lib/ports/telegram.js';

const ROOT = join(fileURLToPath(import.meta.url), '../../..');

/** The README's "Error codes" table as { code: [class, meaning] }. */
function readmeTable(): Map<string, [string, string]> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Error codes');
  assert.ok(start >= 0, 'README has an "Error codes" section');
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  const rows = new Map<string, [string, string]>();
  for (const line of section.split('\n')) {
    const m = /^\| `([A-Z0-9_]+)` \| (\w+) \| (.*) \|$/.exec(line);
    if (!m) continue;
    assert.ok(!rows.has(m[1]!), `${m[1]} listed twice in the README`);
    rows.set(m[1]!, [m[2]!, m[3]!.replace(/\\\|/g, '|')]);
  }
  return rows;
}

describe('error code catalogue', () => {
  it('the README table lists exactly the catalogue: every code, its class and its meaning', () => {
    const table = readmeTable();
    const catalogue = Object.entries(ERROR_CODES);
    assert.deepEqual([...table.keys()].sort(), catalogue.map(([code]) => code).sort());
    for (const [code, info] of catalogue) assert.deepEqual(table.get(code), [info.kind, info.meaning], code);
  });

  it('every code the source raises is in the catalogue (string literals next to `code:`)', () => {
    const sources = ['lib', 'functions'].flatMap((dir) => listTs(join(ROOT, dir)));
    const unknown = new Set<string>();
    for (const file of sources) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bcode: '([A-Z][A-Z0-9_]+)'/g)) if (!isErrorCode(m[1]!)) unknown.add(`${m[1]} (${file.slice(ROOT.length + 1)})`);
    }
    assert.deepEqual([...unknown], []);
  });

  it('the error classes carry the catalogue class: TransientError transient, PermanentError/ConfigError permanent', () => {
    assert.equal(new TransientError('x', { code: 'RATE_LIMITED' }).kind, ERROR_CODES.RATE_LIMITED.kind);
    assert.equal(new PermanentError('x', { code: 'BAD_SYMBOL' }).kind, ERROR_CODES.BAD_SYMBOL.kind);
    assert.equal(new ConfigError('x', { code: 'INVALID_CONFIG' }).kind, ERROR_CODES.INVALID_CONFIG.kind);
  });

  it('Telegram failures map to catalogue codes of the same class', () => {
    const failures: TelegramFailure[] = ['rate-limited', 'unavailable', 'blocked', 'chat-not-found', 'message-gone', 'bad-request', 'unauthorized'];
    for (const failure of failures) {
      const error = new TelegramApiError('x', { failure });
      assert.ok(isErrorCode(error.code), `${failure} → ${error.code}`);
      assert.equal(error.kind, ERROR_CODES[error.code].kind, failure);
    }
  });

  it('permanentCodeOr keeps a permanent catalogue code and replaces anything else', () => {
    assert.equal(permanentCodeOr('BAD_SYMBOL', 'SET_FAILED'), 'BAD_SYMBOL');
    assert.equal(permanentCodeOr('RATE_LIMITED', 'SET_FAILED'), 'SET_FAILED', 'a transient code is not kept as permanent');
    assert.equal(permanentCodeOr('NOT_A_CODE', 'SET_FAILED'), 'SET_FAILED');
    assert.equal(permanentCodeOr(undefined, 'SET_FAILED'), 'SET_FAILED');
    assert.equal(isErrorCode('toString'), false, 'inherited object keys are not codes');
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
