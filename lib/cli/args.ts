import { ConfigError } from '../errors.js';
import { parseFlags } from './flags.js';

export interface StartArgs {
  readonly config: string;
  /** Directory (or file) of recorded OHLCV JSON to replay instead of the live exchange. */
  readonly replay: string | undefined;
  /** Live mode: scan every timeframe once now, print, and exit. */
  readonly once: boolean;
  /** With --replay: write the replay's paper trades to this file, in the backtest's `--json` trade format. */
  readonly tradesJson: string | undefined;
  /** --help: print START_USAGE and exit 0 (nothing started). */
  readonly help: boolean;
}

export const START_USAGE = `usage: npm start -- [--config candlebot.config.yml] [--replay <dir-of-ohlcv-json> [--trades-json <file>]] [--once] [--help]`;

export function parseStartArgs(argv: readonly string[]): StartArgs {
  try {
    const values = parseFlags(argv, {
      config: { type: 'string', default: 'candlebot.config.yml' },
      replay: { type: 'string' },
      once: { type: 'boolean', default: false },
      'trades-json': { type: 'string' },
    });
    const args = { config: values.config!, replay: values.replay, once: values.once ?? false, tradesJson: values['trades-json'], help: values.help ?? false };
    if (args.tradesJson !== undefined && args.replay === undefined) throw new Error('--trades-json writes the paper trades of a replay: give --replay <dir> too');
    if (args.once && args.replay !== undefined) throw new Error('--once scans the live exchanges once; --replay replays recorded candles: give one of them');
    return args;
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message}\n${START_USAGE}`, { code: 'BAD_ARGS', cause });
  }
}
