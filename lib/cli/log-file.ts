/**
 * `npm start`'s Powertools logger. Its JSON lines go to a log file (the console is for the
 * trader: messages, progress, the summary), or to the console with `--verbose`. The file is
 * written synchronously (nothing lost at exit); the previous run's file is kept as `<file>.1`.
 */
import { Console } from 'node:console';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';

export const DEFAULT_LOG_FILE = '.local/candlebot.log';

/** A Logger (and every child it creates) writing to `sink` instead of stdout/stderr. */
class SinkLogger extends Logger {
  constructor(
    options: ConstructorOptions,
    private readonly sink: Writable,
  ) {
    super(options);
    const console = new Console({ stdout: sink, stderr: sink });
    console.trace = (message?: unknown, ...rest: unknown[]) => console.log(message, ...rest);
    (this as unknown as { console: Console }).console = console;
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new SinkLogger(options ?? {}, this.sink);
  }
}

export interface StartLogger {
  readonly logger: Logger;
  /** Where the lines go, for the console: a path relative to the working directory, or "the console". */
  readonly where: string;
  close(): void;
}

export function createStartLogger(options: ConstructorOptions & { verbose: boolean; file?: string }): StartLogger {
  const { verbose, file = DEFAULT_LOG_FILE, ...loggerOptions } = options;
  if (verbose) return { logger: new Logger(loggerOptions), where: 'the console (--verbose)', close: () => {} };
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) renameSync(path, `${path}.1`);
  const fd = openSync(path, 'a');
  let closed = false;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!closed) writeSync(fd, chunk);
      done();
    },
  });
  return {
    logger: new SinkLogger(loggerOptions, sink),
    where: relative(process.cwd(), path) || path,
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
