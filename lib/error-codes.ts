/**
 * Every error code candlebot raises, with its class and what it means for a trader. The error
 * classes (lib/errors.ts) accept only these codes; the README's error table is checked
 * against this catalogue (test/core/error-codes.test.ts).
 *
 * transient → the same call may succeed later: retried with a bound, or left for the next run.
 * permanent → retrying cannot help: recorded with its reason, that unit of work stops.
 */

export interface ErrorCodeInfo {
  readonly kind: 'transient' | 'permanent';
  /** One sentence for the README table: what happened and what to do. */
  readonly meaning: string;
}

const t = (meaning: string) => ({ kind: 'transient', meaning }) as const;
const p = (meaning: string) => ({ kind: 'permanent', meaning }) as const;

export const ERROR_CODES = {
  // Exchange (ccxt errors translated at the adapter)
  RATE_LIMITED: t('The exchange rate-limited the bot (429/418); it waits and retries.'),
  TIMEOUT: t('A request got no answer in time; retried, or tried again next run.'),
  NETWORK: t('The network failed (connection refused or reset, DNS); retried.'),
  EXCHANGE_UNAVAILABLE: t('The exchange is down or in maintenance; retried next run.'),
  EXCHANGE_FAILED: t('The exchange answered 5xx with an error of its own; retried.'),
  EMPTY_MARKETS: t('The exchange listed no markets at all (malformed answer); retried next run.'),
  BAD_RESPONSE: p('The exchange answered something unreadable.'),
  BAD_SYMBOL: p('The exchange does not list this symbol: fix `symbols` in the config.'),
  AUTH: p('The exchange refused the API key (or the account is restricted).'),
  NOT_SUPPORTED: p('The exchange does not support what was asked (e.g. this timeframe).'),
  BAD_REQUEST: p('The exchange refused the request as malformed.'),
  EXCHANGE_ERROR: p('Any other error the exchange reported.'),
  UNKNOWN_EXCHANGE: p('The config names an exchange ccxt does not know.'),
  EXCHANGE_NOT_BUNDLED: p('The exchange is not bundled into the Lambda package: add it to lib/exchange/load.ts.'),
  EXCHANGE_NOT_CONFIGURED: p('Open positions are on an exchange the config no longer lists.'),
  CIRCUIT_OPEN: t('The exchange failed every symbol too often: its circuit is open and scans skip it until the cool-down ends.'),
  NOT_PREPARED: p('Internal: candles fetched before the exchange was prepared.'),
  INVALID_OPTIONS: p('Internal: an adapter was built with invalid options.'),
  INVALID_API_BASE: p('`apiBase` in the config is not a usable http(s) URL.'),
  // Market data and strategies
  INVALID_CANDLE: p('A candle is malformed (non-finite, negative, out of order, from the future): that symbol is skipped.'),
  STALE_CANDLES: t('The newest closed candle is not the one that just closed; the next run tries again.'),
  INSUFFICIENT_HISTORY: p('Fewer closed candles than the strategy needs to warm up.'),
  INVALID_TIMEFRAME: p('A timeframe candlebot does not support.'),
  INVALID_TIME: p('Internal: a time that is not a finite number of milliseconds.'),
  INDICATOR_INPUT: p('An indicator got invalid parameters.'),
  UNKNOWN_STRATEGY: p('The config names a strategy that does not exist.'),
  BAD_SIGNAL: p('Internal: a signal does not match the candle it came from.'),
  BAD_SIGNALS: p('A strategy returned signals out of order.'),
  BAD_STRATEGY: p('A strategy is invalid (bad name, a param without default, warm-up below 1, a duplicate name, a bad bracket or exit reason): fix the strategy file named in the message.'),
  BAD_HIGHER_TIMEFRAME: p("A strategy asks for a higher timeframe that is not a strict multiple of the candles' timeframe (4h on 15m is fine, 1h on 4h is not)."),
  // Positions and the paper ledger
  BAD_POSITION: p('A signal cannot become a position (unsupported timeframe, bad levels).'),
  BAD_POSITION_RULES: p('The position rules (stop, target, time limit) are invalid.'),
  ILLEGAL_TRANSITION: p('Internal: a position was moved to a state it cannot reach.'),
  LEDGER_INCONSISTENT: p('The paper ledger disagrees with itself (a lock without its position); see the logs.'),
  PORTFOLIO_MISSING: t('The portfolio row was just created and cannot be read back yet; retried.'),
  POSITION_CONTENDED: t('The market kept changing under an open or close; left for the next delivery.'),
  BREAKER_CONTENDED: t('A circuit-breaker row kept changing under concurrent scans; the next scan records it.'),
  STATS_CONTENDED: t('The statistics row kept changing during a close; retried.'),
  NO_ATR: p("A trailing stop needs the signal's ATR, which is missing: the signal is refused, no position."),
  BAD_RANGE: p('Internal: a candle range outside the series.'),
  BAD_LEDGER: p('The starting balance is not a finite number ≥ 0.'),
  DUPLICATE_POSITION: p('Internal: a position already holds a stake reservation.'),
  INSUFFICIENT_BALANCE: p('Not enough free balance to reserve the stake.'),
  UNKNOWN_POSITION: p('Internal: a position settles without a reservation.'),
  STAKE_MISMATCH: p('Internal: a position closes with a stake other than the one reserved.'),
  UNSTORABLE_NUMBER: p('A number the store cannot hold exactly (NaN, Infinity, too large); nothing was written.'),
  // Stored rows
  CORRUPT_ROW: p('A stored row fails validation; it is reported and skipped.'),
  CORRUPT_PORTFOLIO: p('The portfolio row fails validation.'),
  CORRUPT_CONTROL: p('The pause/resume row is invalid; /pause or /resume rewrites it.'),
  BAD_CONTROL: p('Internal: an invalid pause/resume value.'),
  CORRUPT_PROFILE: p("A chat's profile row is invalid."),
  CORRUPT_SUBSCRIPTION: p('A subscription row is invalid.'),
  BAD_SETTINGS: p('Chat settings that are not valid.'),
  BAD_SUBSCRIPTION: p('A subscription that is not valid.'),
  // DynamoDB and SQS
  AWS_TRANSIENT: t('AWS throttled or failed on its side (5xx, throttling); retried.'),
  AWS_PERMANENT: p('AWS refused the call (access denied, validation): a deployment or code problem.'),
  TRANSACTION_CONFLICT: t('A DynamoDB transaction kept conflicting or being throttled after its retries.'),
  TRANSACTION_CANCELLED: p('A DynamoDB transaction was cancelled for a reason that is not a retryable conflict.'),
  QUEUE_PARTIAL: t('SQS did not accept every notification after its retries; the outbox sends them later.'),
  QUEUE_REJECTED: p('SQS rejected a notification as malformed.'),
  NOTIFICATION_TOO_LARGE: p('A notification is over the SQS size limit.'),
  NOTIFICATION_MALFORMED: p('A queued notification failed validation: recorded and dropped, never sent.'),
  BAD_QUEUE_ATTRIBUTES: p('SQS returned queue attributes that are not numbers.'),
  DELIVERY_LOST_LEASE: p('Another delivery took over this message; this one stops.'),
  DELIVERY_STORE: p('The delivery record vanished while sending.'),
  // Secrets Manager (the Telegram secret, read at runtime: lib/aws/secrets.ts)
  SECRET_NOT_FOUND: p('The Telegram secret candlebot/<stage>/telegram does not exist in this account and region: create it (README "Deploy to AWS").'),
  SECRET_ACCESS_DENIED: p("The function's role may not read the secret (or decrypt it with its KMS key): a deployment problem."),
  SECRET_REFUSED: p('Secrets Manager refused to return the secret (e.g. it is scheduled for deletion).'),
  SECRET_INVALID: p('The secret is not JSON {"botToken","webhookSecret"} with valid values; the message names the field: fix it with put-secret-value.'),
  SECRET_UNAVAILABLE: t('Secrets Manager throttled, failed (5xx) or could not be reached; retried.'),
  // Telegram and users
  TELEGRAM_RATE_LIMITED: t('Telegram said "too many requests"; the message waits retry_after and is sent again.'),
  TELEGRAM_UNAVAILABLE: t('Telegram failed on its side or did not answer; retried with backoff.'),
  TELEGRAM_BLOCKED: p('The user blocked the bot (403); the chat is deactivated.'),
  TELEGRAM_CHAT_NOT_FOUND: p('The chat does not exist; the chat is deactivated.'),
  TELEGRAM_MESSAGE_GONE: p('The message to edit or pin is gone.'),
  TELEGRAM_BAD_REQUEST: p('Telegram refused the message (400), e.g. malformed HTML.'),
  TELEGRAM_UNAUTHORIZED: p('Telegram refused TELEGRAM_BOT_TOKEN: check the token (kept for retry, with an alarm).'),
  BAD_TOKEN: p('Telegram refused TELEGRAM_BOT_TOKEN (401/404) when starting locally.'),
  // Alerts (alarm state changes told to the admin chats)
  ALERT_UNDELIVERED: t('An alarm could not be told to any admin chat (Telegram unavailable or the token refused); Lambda retries twice, then the alert waits in AlertsFailedQueue for 14 days.'),
  NO_ADMIN_CHAT: p('An alarm fired but no admin chat can receive it: set telegram.adminChatIds (and /start the bot there), or deploy with --alert-email.'),
  WEBHOOK_ACTIVE: p('A webhook is set, so local long polling cannot run: delete it first.'),
  HANDLER_TIMEOUT: t('A Telegram command took too long to answer; Telegram sends the update again.'),
  NOT_REGISTERED: p('The chat has not sent /start yet.'),
  SUBSCRIPTION_LIMIT: p('The chat already has the maximum number of subscriptions.'),
  PROFILE_CONTENDED: t("A chat's settings kept changing under an update; retried."),
  RATE_LIMIT_CONTENDED: t('The command rate-limit row kept changing; retried.'),
  // Charts
  CHART_DATA_INVALID: p('Chart data failed validation; the message is sent without a chart.'),
  CHART_RENDER_FAILED: p('A chart could not be rendered; the message is sent without it.'),
  CHART_FONT_MISSING: p('No chart font: set CANDLEBOT_FONT_PATH to the shipped DejaVuSans.ttf.'),
  CHART_FETCH_TIMEOUT: t('Candles for a chart did not arrive in the time left; sent without the chart.'),
  NO_CHART: p('Chart command: the signal has too few candles to chart.'),
  NO_SIGNAL: p('Chart command: no signal of that strategy in the data.'),
  // Configuration, environment, command line
  INVALID_CONFIG: p('The config file fails validation; the message lists each field.'),
  CONFIG_UNREADABLE: p('The config file cannot be read.'),
  CONFIG_NOT_YAML: p('The config file is not valid YAML.'),
  CONFIG_NOT_DEPLOYABLE: p('The config is valid locally but cannot be deployed (e.g. a local-only setting).'),
  BAD_CONFIG: p('A setting out of range (e.g. the command rate limit).'),
  INVALID_ENV: p('An environment variable is missing or invalid.'),
  INVALID_EVENT: p('A Lambda received an event of the wrong shape.'),
  BAD_ARGS: p('Command-line arguments that are not valid; the message shows the usage.'),
  NO_VALID_SET: p('Optimiser: no parameter set of the grid is valid for the strategy.'),
  BAD_GRID: p('Optimiser: the parameter grid is not valid.'),
  // Backtest, download, optimise, replay
  BAD_BACKTEST_INPUT: p('Backtest inputs out of range (stake, fee).'),
  BAD_OHLCV_FILE: p('An OHLCV file is missing or malformed.'),
  WRITE_FAILED: p('A file could not be written.'),
  PAGE_LIMIT: p('Download: the exchange kept returning candles past the expected end.'),
  SET_FAILED: p('Optimiser: one parameter set failed to evaluate.'),
  WORKER_BUNDLE: p('Optimiser: the worker bundle could not be built (esbuild; e.g. a syntax error in a strategy file).'),
  REPLAY_REPORT: p('Replay: the results could not be read back.'),
  // live trading: use cases
  LIVE_NOT_CONFIGURED: p('A live order or position is on an exchange the config does not trade live (trading.mode is not live): it is left alone and reported.'),
  LIVE_CONTENDED: t('A live order or position kept changing under reconcile (another run moved it first); the next run reads it again.'),
  LIVE_INCONSISTENT: p('A live order and its position disagree (e.g. an order row without its position); an admin is alerted, nothing is guessed.'),
  STOP_PASSED_OVER: p('The stop of a live position triggered but the price gapped through its stop-limit, so the stop order cannot fill: admins are alerted and the position is sold at market.'),
  PROTECTION_FAILED: p('The stop/target order of a live position could not be placed on the exchange; admins are alerted and, with exitOnProtectionFailure, it is sold at market.'),
  PROTECTION_VANISHED: p('The stop/target orders of a live position vanished from the exchange after being re-placed once; admins are alerted.'),
  FILLS_INCOMPLETE: t('The exchange reports an order filled further than the trades it lists (its history lags); the fills are counted on the next run.'),
  ORDER_LOST: p('A live order was not found on the exchange after 3 look-ups: marked lost (never re-sent), its reservation released, admins alerted.'),
  // live trading: keys
  EXCHANGE_KEYS_MISSING: p('No API keys for a live exchange: create the secret candlebot/<stage>/exchange/<id> (deployed) or set CANDLEBOT_<ID>_API_KEY and CANDLEBOT_<ID>_SECRET (local); README "Live trading".'),
  EXCHANGE_KEYS_INVALID: p('The exchange keys are not JSON {"apiKey","secret"} with valid values; the message names the secret and the field (never a value): fix it with put-secret-value.'),
  EXCHANGE_KEYS_AMBIGUOUS: p('Exchange keys are set twice (EXCHANGE_SECRET_PREFIX and the CANDLEBOT_<ID>_API_KEY/_SECRET variables): two sources of one key would disagree one day; keep one.'),
  // live trading: store
  BAD_ORDER_ID: p('Internal: a client order id asked for an empty position id, an unknown role or a generation outside 0…35.'),
  BAD_SIZING: p('Internal: an order was sized with a non-finite amount, price, stake or market filter.'),
  BAD_FILL: p('The exchange reported a fill with a non-finite or negative amount, cost or fee; the order is left for reconcile and an admin is alerted.'),
  FEE_RATE_MISSING: p('A fill was charged its fee in an asset (e.g. BNB) with no known price in the quote currency; the fee is never counted as 0, the order is left for reconcile.'),
  BAD_LIVE_AMOUNT: p('Internal: a live budget step got a negative or non-finite amount (or a fee larger than the cost); nothing was written.'),
  LIVE_BUDGET_MISMATCH: p('The live budget row of an exchange was created for another quote currency than the config now says: the live markets of an exchange must share the budget\'s quote.'),
  LIVE_BUDGET_CONTENDED: t('The live budget row kept changing during a close (other closes or settlements at the same time); retried, then left for the next reconcile.'),
  // live trading: exchange
  ORDER_ANSWER_UNKNOWN: t('An order request got no usable answer (timeout, connection reset, 5xx): it may or may not exist on the exchange, so it is looked up by its client order id, never sent again.'),
  ORDER_REJECTED: p('The exchange refused the order for good (insufficient balance, a filter such as the minimum notional, a duplicate client order id, market closed); the message gives its reason.'),
  EXCHANGE_AUTH: p('The exchange refused the API key, its signature or its permissions for trading: check the key (trading enabled, IP whitelist; the trade:check command shows what it may do).'),
  EXCHANGE_CLOCK_SKEW: p("The exchange refused the request's timestamp (-1021): this machine's clock is off from the exchange's; fix the clock (NTP)."),
  // Anything else
  CHECK_TIMEOUT: t('Local start: an exchange did not answer the start-up check in time.'),
  UNEXPECTED: p('An error of no known class: a bug; the logs have the stack.'),
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type TransientCode = { [K in ErrorCode]: (typeof ERROR_CODES)[K]['kind'] extends 'transient' ? K : never }[ErrorCode];
export type PermanentCode = Exclude<ErrorCode, TransientCode>;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** `code` when it is a permanent code of the catalogue (e.g. read back from a worker), else `fallback`. */
export function permanentCodeOr(code: unknown, fallback: PermanentCode): PermanentCode {
  return typeof code === 'string' && isErrorCode(code) && ERROR_CODES[code].kind === 'permanent' ? (code as PermanentCode) : fallback;
}
