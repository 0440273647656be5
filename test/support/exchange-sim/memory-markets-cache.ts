/**
 * In-memory MarketsCache for tests. Snapshots go through a JSON round trip on put and get,
 * as a persistent store would do (undefined fields dropped, no shared object identity).
 */
import type { MarketsCache, MarketsSnapshot } from '../../../lib/ports/exchange.js';

export class MemoryMarketsCache implements MarketsCache {
  readonly #entries = new Map<string, string>();
  gets = 0;
  puts = 0;

  async get(exchange: string): Promise<MarketsSnapshot | undefined> {
    this.gets += 1;
    const text = this.#entries.get(exchange);
    return text === undefined ? undefined : (JSON.parse(text) as MarketsSnapshot);
  }

  async put(snapshot: MarketsSnapshot): Promise<void> {
    this.puts += 1;
    this.#entries.set(snapshot.exchange, JSON.stringify(snapshot));
  }
}
