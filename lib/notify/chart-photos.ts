import { describeError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { ChartFileCache } from '../ports/delivery.js';
import type { ChartSpec } from '../core/notification.js';

export type RenderChart = (spec: ChartSpec) => Promise<Uint8Array>;

/**
 * Charts of one notify invocation. A chart is rendered at most once per source id (memo), and
 * after its first upload every other chat gets Telegram's file id (kept here and in StateTable,
 * so later invocations neither render nor upload again). Any failure of the chart path
 * (renderer, cache) degrades to `undefined` = text-only, logged, never a lost message.
 */
export interface ChartPhotos {
  /** A file id already uploaded for this source (this invocation, else StateTable). */
  knownFileId(sourceId: string): Promise<string | undefined>;
  /** The rendered PNG; undefined when rendering failed. */
  png(sourceId: string, spec: ChartSpec): Promise<Uint8Array | undefined>;
  /** Records the file id Telegram returned for the first upload. */
  remember(sourceId: string, fileId: string): Promise<void>;
  /** Runs `fn` exclusively per source id (so concurrent chats wait for the first upload). */
  exclusive<T>(sourceId: string, fn: () => Promise<T>): Promise<T>;
  /** Render timings of this invocation (ms). */
  readonly renderMs: readonly number[];
}

export function createChartPhotos(deps: { render: RenderChart; cache: ChartFileCache; clock: Clock; log: Log }): ChartPhotos {
  const { render, cache, clock, log } = deps;
  const fileIds = new Map<string, string>();
  const pngs = new Map<string, Promise<Uint8Array | undefined>>();
  const locks = new Map<string, Promise<unknown>>();
  const renderMs: number[] = [];

  return {
    renderMs,
    async knownFileId(sourceId) {
      const memo = fileIds.get(sourceId);
      if (memo) return memo;
      try {
        const cached = await cache.get(sourceId);
        if (cached) fileIds.set(sourceId, cached);
        return cached;
      } catch (error) {
        log.warn('chart file id cache unreadable; uploading the chart', { sourceId, error: describeError(error) });
        return undefined;
      }
    },
    png(sourceId, spec) {
      let p = pngs.get(sourceId);
      if (!p) {
        const started = performance.now();
        p = render(spec).then(
          (png) => {
            renderMs.push(performance.now() - started);
            return png;
          },
          (error: unknown) => {
            log.warn('chart rendering failed; sending text only', { sourceId, error: describeError(error) });
            return undefined;
          },
        );
        pngs.set(sourceId, p);
      }
      return p;
    },
    async remember(sourceId, fileId) {
      fileIds.set(sourceId, fileId);
      try {
        await cache.put(sourceId, fileId, clock.now());
      } catch (error) {
        log.warn('chart file id not cached; later chats may upload again', { sourceId, error: describeError(error) });
      }
    },
    exclusive(sourceId, fn) {
      const previous = locks.get(sourceId) ?? Promise.resolve();
      const run = previous.then(fn, fn);
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      locks.set(sourceId, settled);
      void settled.then(() => {
        if (locks.get(sourceId) === settled) locks.delete(sourceId);
      });
      return run;
    },
  };
}
