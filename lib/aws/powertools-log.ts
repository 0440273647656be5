import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../ports/log.js';

/** Adapts Powertools' Logger to the Log port (structured extras as one object). */
export function powertoolsLog(logger: Logger): Log {
  return {
    debug: (message, extra) => (extra ? logger.debug(message, extra as never) : logger.debug(message)),
    info: (message, extra) => (extra ? logger.info(message, extra as never) : logger.info(message)),
    warn: (message, extra) => (extra ? logger.warn(message, extra as never) : logger.warn(message)),
    error: (message, extra) => (extra ? logger.error(message, extra as never) : logger.error(message)),
  };
}
