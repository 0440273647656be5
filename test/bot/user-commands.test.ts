/**
 * Every user command end to end through the webhook handler (DynamoDB Local, fake Bot API),
 * including bad input, the admin gate, unknown commands and plain text.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDynamoControlStore } from '../../lib/store/state/control-store.js';
import { ADMIN_CHAT, outcome, startHarness, type Harness } from '../webhook/harness.js';

describe('user commands through the webhook', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  /** Sends a command from `chat` and returns the single reply text. */
  async function ask(chat: number, text: string, type = 'private'): Promise<string> {
    const before = h.texts(chat).length;
    const r = await h.send(h.text(chat, text, type));
    assert.equal(r.statusCode, 200, String(r.body));
    const replies = h.texts(chat, before);
    assert.equal(replies.length, 1, `${text} → ${JSON.stringify(replies)}`);
    return replies[0]!;
  }
  const subs = async (chat: number) => (await h.users.list(chat)).map((s) => `${s.symbol} ${s.strategy} ${s.timeframe}`).sort();

  it('/start registers the chat, /stop deactivates it, /start again re-activates it', async () => {
    assert.match(await ask(2001, '/start'), /Welcome to candlebot/);
    assert.equal((await h.users.get(2001))?.active, true);
    assert.match(await ask(2001, '/start'), /already registered/);
    assert.match(await ask(2001, '/stop'), /stopped/);
    const stopped = await h.users.get(2001);
    assert.equal(stopped?.active, false);
    assert.equal(stopped?.inactiveReason, 'stopped');
    assert.match(await ask(2001, '/START@candlebot_test_bot'), /Welcome back/);
    assert.equal((await h.users.get(2001))?.active, true);
  });

  it('/subscribe accepts symbols in any spelling, strategy and timeframe in either order, and all', async () => {
    await ask(2002, '/start');
    assert.match(await ask(2002, '/subscribe BTC/USDT'), /Subscribed: BTC\/USDT · any strategy · any timeframe/);
    assert.match(await ask(2002, '/subscribe btcusdt'), /Already subscribed/);
    assert.match(await ask(2002, '/subscribe eth-usdt 1h ema-cross'), /Subscribed: ETH\/USDT · ema-cross · 1h/);
    assert.match(await ask(2002, '/subscribe sol_usdt rsi-reversion'), /SOL\/USDT · rsi-reversion · any timeframe/);
    assert.match(await ask(2002, '/subscribe all all 4h'), /all symbols · any strategy · 4h/);
    assert.deepEqual(await subs(2002), ['* * 4h', 'BTC/USDT * *', 'ETH/USDT ema-cross 1h', 'SOL/USDT rsi-reversion *']);
  });

  it('/subscribe refuses bad input with a specific message and writes nothing', async () => {
    await ask(2003, '/start');
    assert.match(await ask(2003, '/subscribe DOGE/USDT'), /DOGE\/USDT is not a market the bot scans/);
    assert.match(await ask(2003, '/subscribe BTC/EUR'), /not a market the bot scans\. Did you mean BTC\/USDT/);
    assert.match(await ask(2003, '/subscribe <b>x'), /&lt;B&gt;X|is not a symbol/);
    assert.match(await ask(2003, '/subscribe BTC/USDT macd-magic'), /Unknown strategy macd-magic\. Configured strategies: ema-cross, rsi-reversion, bollinger-breakout/);
    assert.match(await ask(2003, '/subscribe BTC/USDT 2h'), /Timeframe 2h is not scanned\. Scanned timeframes: 15m, 1h, 4h/);
    assert.match(await ask(2003, '/subscribe BTC/USDT bollinger-breakout 1h'), /bollinger-breakout does not run on 1h; it runs on 4h/);
    assert.match(await ask(2003, '/subscribe'), /Usage: \/subscribe &lt;SYMBOL\|all&gt;/);
    assert.match(await ask(2003, '/subscribe BTC/USDT 1h 4h'), /one timeframe at most/);
    assert.deepEqual(await subs(2003), []);
  });

  it('/subscribe before /start creates the chat; after /stop it says notifications are off', async () => {
    assert.match(await ask(2004, '/subscribe BTC/USDT'), /Subscribed/);
    assert.equal((await h.users.get(2004))?.active, true);
    await ask(2004, '/stop');
    assert.match(await ask(2004, '/subscribe ETH/USDT'), /Subscribed: ETH\/USDT[\s\S]*send \/start/);
  });

  it('/unsubscribe removes the matching subscriptions, all removes everything', async () => {
    await ask(2005, '/subscribe BTC/USDT');
    await ask(2005, '/subscribe BTC/USDT ema-cross 15m');
    await ask(2005, '/subscribe ETH/USDT');
    assert.match(await ask(2005, '/unsubscribe XRP/USDT'), /No subscription matches XRP\/USDT/);
    assert.match(await ask(2005, '/unsubscribe btcusdt ema-cross'), /Removed 1 subscription:\n• BTC\/USDT · ema-cross · 15m/);
    assert.deepEqual(await subs(2005), ['BTC/USDT * *', 'ETH/USDT * *']);
    assert.match(await ask(2005, '/unsubscribe BTC/USDT rsi 1h'), /Unknown strategy rsi/);
    assert.match(await ask(2005, '/unsubscribe all'), /Removed 2 subscriptions/);
    assert.deepEqual(await subs(2005), []);
    assert.match(await ask(2005, '/unsubscribe all'), /No subscription matches/);
  });

  it('/list shows the subscriptions, or how to add one', async () => {
    assert.match(await ask(2006, '/list'), /no subscriptions/);
    await ask(2006, '/subscribe ETH/USDT ema-cross 1h');
    await ask(2006, '/subscribe BTC/USDT');
    const list = await ask(2006, '/list');
    assert.match(list, /Your subscriptions \(2\)/);
    assert.ok(list.indexOf('BTC/USDT') < list.indexOf('ETH/USDT'), 'sorted');
  });

  it('/settings shows and changes time zone, quiet hours and notifications', async () => {
    await ask(2007, '/start');
    assert.match(await ask(2007, '/settings'), /Time zone: UTC\nQuiet hours: off\nSignals: on · Positions: on · Daily summary: on/);
    assert.match(await ask(2007, '/settings tz Europe/Berlin'), /Settings saved[\s\S]*Europe\/Berlin/);
    await ask(2007, '/settings quiet 22-7');
    await ask(2007, '/settings positions off');
    const s = (await h.users.get(2007))!.settings;
    assert.deepEqual(s, { timezone: 'Europe/Berlin', quietHours: { start: 22, end: 7 }, notify: { signals: true, positions: false, summary: true } });
    assert.match(await ask(2007, '/settings tz Atlantis/Nowhere'), /Unknown time zone Atlantis\/Nowhere/);
    assert.match(await ask(2007, '/settings quiet soon'), /Usage: \/settings quiet 22-7/);
    assert.equal((await h.users.get(2007))!.settings.timezone, 'Europe/Berlin');
    assert.match(await ask(2008, '/settings summary off'), /not registered yet: send \/start/);
  });

  it('an unknown command gets a short help; plain text a hint; group chatter and other bots are ignored', async () => {
    const unknown = await ask(2009, '/frobnicate now');
    assert.match(unknown, /Unknown command \/frobnicate\.\nCommands: \/start \/stop \/subscribe/);
    assert.ok(!unknown.includes('/pause'), 'admin commands are not advertised to others');
    assert.match(await ask(2009, 'hello bot'), /only understand commands/);
    const group = await h.send(h.text(-2009, 'hello everyone', 'group'));
    assert.equal(outcome(group), 'ignored');
    const other = await h.send(h.text(-2009, '/list@some_other_bot', 'group'));
    assert.equal(outcome(other), 'ignored');
    assert.equal(h.texts(-2009).length, 0);
    assert.match(await ask(-2009, '/list@candlebot_test_bot', 'group'), /no subscriptions/);
  });

  it('/help lists every command with its usage; admin commands only for admins', async () => {
    const help = await ask(2010, '/help');
    for (const name of ['start', 'stop', 'subscribe', 'unsubscribe', 'list', 'settings', 'help']) assert.match(help, new RegExp(`<b>/${name}</b>`));
    assert.match(help, /<code>\/subscribe &lt;SYMBOL\|all&gt; \[strategy\] \[timeframe\]/);
    assert.ok(!help.includes('/pause'));
    const adminHelp = await ask(ADMIN_CHAT, '/help');
    assert.match(adminHelp, /<b>\/pause<\/b> \(admin\)/);
  });

  it('a non-admin calling /pause is refused and nothing is paused', async () => {
    assert.equal(await ask(2011, '/pause'), '/pause is for admins only.');
    assert.equal(await ask(2011, '/resume'), '/resume is for admins only.');
    const control = await createDynamoControlStore({ client: h.res.doc, table: h.res.env.STATE_TABLE }).get();
    assert.equal(control.scanningPaused, false);
    assert.equal(control.tradingPaused, false);
    assert.equal(control.updatedBy, 0);
  });
});
