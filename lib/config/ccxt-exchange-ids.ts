/**
 * Every exchange id of ccxt 4.5.83 (`ccxt.exchanges`), as a static list: checking a config id
 * against it must not import all of ccxt (~0.5 s, 6 MB bundled) in a Lambda function.
 * test/config/exchange-ids.test.ts keeps it equal to the installed ccxt's list; after a ccxt
 * upgrade, regenerate it from `(await import('ccxt')).default.exchanges`.
 */
export const CCXT_EXCHANGE_IDS: readonly string[] = Object.freeze([
  'alpaca', 'apex', 'aster', 'backpack', 'bequant', 'bigone', 'binance', 'binancecoinm',
  'binanceus', 'binanceusdm', 'bingx', 'bit2c', 'bitbank', 'bitbns', 'bitfinex', 'bitflyer',
  'bitget', 'bithumb', 'bitopro', 'bitrue', 'bitso', 'bitstamp', 'bitteam', 'bittrade', 'bitvavo',
  'blockchaincom', 'blofin', 'btcbox', 'btcmarkets', 'btcturk', 'btse', 'bullish', 'bybit',
  'bybiteu', 'bybitid', 'bydfi', 'cex', 'coinbase', 'coinbaseexchange', 'coinbaseinternational',
  'coincheck', 'coinex', 'coinmate', 'coinone', 'coinsph', 'coinspot', 'cryptocom', 'cryptomus',
  'deepcoin', 'delta', 'deribit', 'derive', 'digifinex', 'dydx', 'extended', 'fmfwio', 'foxbit',
  'gate', 'gateeu', 'gemini', 'grvt', 'hashkey', 'hibachi', 'hitbtc', 'hollaex', 'htx',
  'hyperliquid', 'independentreserve', 'indodax', 'kraken', 'krakenfutures', 'kucoin',
  'kucoinfutures', 'latoken', 'lbank', 'lighter', 'luno', 'mercado', 'mexc', 'modetrade', 'mudrex',
  'myokx', 'nado', 'ndax', 'okx', 'okxus', 'onetrading', 'p2b', 'pacifica', 'paradex', 'paymium',
  'phemex', 'poloniex', 'revolutx', 'tokocrypto', 'toobit', 'upbit', 'weex', 'whitebit', 'woo',
  'woofipro', 'xt', 'zaif', 'zebpay',
]);
