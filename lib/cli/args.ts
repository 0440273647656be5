import { ConfigError } from '../errors.js';
import { chooseConfigFile } from '../config/config-path.js';
import { parseFlags } from './flags.js';
import { DEFAULT_LOG_FILE } from './log-file.js';

export interface StartArgs {
  readonly config: string;
  /** Directory (or file) of recorded OHLCV JSON to replay instead of the live exchange. */
  readonly replay: string | undefined;
  /** Live mode: scan every timeframe once now, print, and exit. */
  readonly once: boolean;
  /** With --replay: write the replay's paper trades to this file, in the backtest's `--json` trade format. */
  readonly tradesJson: string | undefined;
  /** --verbose: the JSON log lines on the console instead of the log file. */
  readonly verbose: boolean;
  /** --help: print START_USAGE and exit 0 (nothing started). */
  readonly help: boolean;
}

export const START_USAGE =
  'usage: npm start -- [--config <file>] [--replay <dir-of-ohlcv-json> [--trades-json <file>]] [--once] [--verbose] [--help]\n' +
  `  --verbose: print the JSON log lines on the console (default: into ${DEFAULT_LOG_FILE})\n` +
  '  config: --config, else $CANDLEBOT_CONFIG, else candlebot.config.yml, else the shipped candlebot.config.example.yml';

/** Parses `npm start` arguments; `notice` gets the one line saying the example config is used (no user config). */
export function parseStartArgs(argv: readonly string[], notice: (line: string) => void = (line) => console.error(line)): StartArgs {
  try {
    const values = parseFlags(argv, {
      config: { type: 'string' },
      replay: { type: 'string' },
      once: { type: 'boolean', default: false },
      'trades-json': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    });
    const help = values.help ?? false;
    const choice = help ? { path: '' } : chooseConfigFile(values.config);
    const args = { config: choice.path, replay: values.replay, once: values.once ?? false, tradesJson: values['trades-json'], verbose: values.verbose ?? false, help };
    if (args.tradesJson !== undefined && args.replay === undefined) throw new Error('--trades-json writes the paper trades of a replay: give --replay <dir> too');
    if (args.once && args.replay !== undefined) throw new Error('--once scans the live exchanges once; --replay replays recorded candles: give one of them');
    if (choice.notice) notice(choice.notice);
    return args;
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message}\n${START_USAGE}`, { code: 'BAD_ARGS', cause });
  }
}
