/**
 * `npm run download -- --exchange binance --symbols BTC/USDT,ETH/USDT --timeframe 1h --since 2024-01-01`
 * Downloads closed candles into `<out>/BASE_QUOTE-<tf>.json` (the replay format), resuming
 * existing files. Progress, notices, retries and gaps on stderr; one result line per pair.
 * Exit 0: every pair done; 1: some failed; 2: bad arguments; 130: interrupted (Ctrl-C).
 */
import { DOWNLOAD_USAGE, parseDownloadArgs } from './download-args.js';
import { progressReporter } from '../download/progress.js';
import { EXIT_BAD_ARGS, EXIT_SOME_FAILED, exitCode, gapsLine, resultLine, summaryLine } from '../download/report.js';
import { downloadCandles } from '../download/run-download.js';
import { describeError, isCandlebotError } from '../errors.js';
import { systemClock } from '../ports/clock.js';

/** Errors of the setup that mean the arguments named something that does not exist. */
const BAD_ARGUMENT_CODES = new Set(['BAD_ARGS', 'UNKNOWN_EXCHANGE', 'EXCHANGE_NOT_BUNDLED', 'INVALID_API_BASE', 'BAD_SYMBOL']);

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseDownloadArgs(argv, systemClock.now());
  } catch (error) {
    const message = isCandlebotError(error) ? error.message : String(error);
    console.error(`download: ${message}${message.includes('--help') ? '' : ' (--help for usage)'}`);
    return EXIT_BAD_ARGS;
  }
  if (args.help) {
    console.log(DOWNLOAD_USAGE);
    return 0;
  }

  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ndownload: stopping after the current request (Ctrl-C again to quit at once)…\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });

  let report;
  try {
    report = await downloadCandles(args, { clock: systemClock, observer: progressReporter(process.stderr), signal: controller.signal });
  } catch (error) {
    console.error(`download: ${describeError(error)}`);
    return isCandlebotError(error) && BAD_ARGUMENT_CODES.has(error.code) ? EXIT_BAD_ARGS : EXIT_SOME_FAILED;
  }
  for (const result of report.results) {
    if (result.status === 'failed') console.error(resultLine(result));
    else console.log(resultLine(result));
    const gaps = gapsLine(result);
    if (gaps !== undefined) console.error(gaps);
  }
  const code = exitCode(report);
  (code === 0 ? console.log : console.error)(summaryLine(report));
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`download: ${describeError(error)}`);
    process.exitCode = EXIT_SOME_FAILED;
  },
);
