/** The price file: every price the model reads, each with its AWS pricing page and the date taken; confirmations named. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePrices, PRICE_KEYS, priceFileSchema } from '../../lib/cost/prices.js';

const FILE = new URL('../../lib/cost/prices.json', import.meta.url);
const raw = JSON.parse(readFileSync(FILE, 'utf8')) as { takenOn: string; items: Record<string, Record<string, unknown>> };

describe('cost model: lib/cost/prices.json', () => {
  it('parses: the date taken, us-east-1, every price the model reads and no other', () => {
    const prices = parsePrices(raw);
    assert.equal(prices.takenOn, '2026-12-06');
    assert.equal(prices.region, 'us-east-1');
    assert.deepEqual(Object.keys(raw.items).sort(), [...PRICE_KEYS].sort());
    assert.equal(prices.lambdaGbSecondArm64, 0.0000133334);
  });

  it('every price names its public AWS pricing page; a confirmed one the page it was checked against, an unconfirmed one why', () => {
    for (const [key, item] of Object.entries(raw.items)) {
      assert.match(String(item['source']), /^https:\/\/aws\.amazon\.com\/[a-z0-9-]+\/pricing\//, key);
      if (item['confirmed'] === true) assert.match(String(item['confirmedBy']), /^https:\/\//, key);
      else assert.ok(String(item['note'] ?? '').length > 10, `${key}: unconfirmed without a note`);
    }
  });

  it('refuses a price without a source, a missing price, an unknown price and a bad date, by path', () => {
    const broken = structuredClone(raw);
    delete broken.items['sqsRequestPerMillion']!['source'];
    delete broken.items['secretMonth'];
    broken.items['made-up'] = { price: 1, unit: 'USD', source: 'https://aws.amazon.com/x/pricing/', confirmed: false, note: 'n' };
    broken.takenOn = '06/12/2026';
    assert.throws(() => parsePrices(broken), (e: Error) => /items\.sqsRequestPerMillion\.source/.test(e.message) && /items\.secretMonth: missing/.test(e.message) && /items\.made-up: unknown price/.test(e.message) && /takenOn/.test(e.message));
    assert.equal(priceFileSchema.safeParse(raw).success, true);
  });

  it('a non-AWS source is refused', () => {
    const broken = structuredClone(raw);
    broken.items['snsPublishPerMillion']!['source'] = 'https://example.com/sns';
    assert.throws(() => parsePrices(broken), /snsPublishPerMillion\.source: must be a public AWS pricing page/);
  });
});
