import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';

export interface StartArgs {
  readonly config: string;
  /** Directory (or file) of recorded OHLCV JSON to replay instead of the live exchange. */
  readonly replay: string | undefined;
  /** Live mode: scan every timeframe once now, print, and exit. */
  readonly once: boolean;
  /** With --replay: write the replay's paper trades to this file, in the backtest's `--json` trade format. */
  readonly tradesJson: string | undefined;
}

export const START_USAGE = `usage: npm start -- [--config candlebot.config.yml] [--replay <dir-of-ohlcv-json> [--trades-json <file>]] [--once]`;

export function parseStartArgs(argv: readonly string[]): StartArgs {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', default: 'candlebot.config.yml' },
        replay: { type: 'string' },
        once: { type: 'boolean', default: false },
        'trades-json': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    return { config: values.config!, replay: values.replay, once: values.once ?? false, tradesJson: values['trades-json'] };
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message}\n${START_USAGE}`, { code: 'BAD_ARGS', cause });
  }
}
