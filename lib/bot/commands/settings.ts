/**
 * /settings — show or change the chat's preferences:
 *   /settings                      show them
 *   /settings tz Europe/Berlin     time zone (IANA name; `timezone` works too)
 *   /settings quiet 22-7 | off     quiet hours (local time; messages arrive silently)
 *   /settings signals on|off       signal notifications (likewise positions, summary)
 */
import { CommandInputError, type BotCommand, type CommandInfo, type CommandContext } from '../command.js';
import { escapeHtml } from '../../core/format.js';
import { echo } from '../echo.js';
import { isCandlebotError } from '../../errors.js';
import { DEFAULT_CHAT_SETTINGS, type ChatSettings, type UserStore } from '../../ports/users.js';
import { canonicalTimeZone } from '../../core/time-zone.js';

const ARGS = '[tz <Area/City> | quiet <22-7|off> | signals|positions|summary <on|off>]';
const USAGE = `/settings ${ARGS}`;
const KINDS = ['signals', 'positions', 'summary'] as const;
type Kind = (typeof KINDS)[number];

const pad = (h: number) => String(h).padStart(2, '0');

export function describeSettings(s: ChatSettings): string[] {
  const onOff = (b: boolean) => (b ? 'on' : 'off');
  return [
    `Time zone: ${escapeHtml(s.timezone)}`,
    `Quiet hours: ${s.quietHours ? `${pad(s.quietHours.start)}:00–${pad(s.quietHours.end)}:00 (messages arrive silently)` : 'off'}`,
    `Signals: ${onOff(s.notify.signals)} · Positions: ${onOff(s.notify.positions)} · Daily summary: ${onOff(s.notify.summary)}`,
  ];
}

function parseHour(text: string): number | undefined {
  if (!/^\d{1,2}(:00)?$/.test(text)) return undefined;
  const hour = Number(text.split(':')[0]);
  return hour >= 0 && hour <= 23 ? hour : undefined;
}

function parseSwitch(value: string | undefined): boolean {
  const v = value?.toLowerCase();
  if (v === 'on' || v === 'yes' || v === 'true') return true;
  if (v === 'off' || v === 'no' || v === 'false') return false;
  throw new CommandInputError('Say on or off, e.g. /settings signals off');
}

/** The change a `/settings <key> <value>` asks for; CommandInputError for anything invalid. */
export function parseSettingsChange(args: readonly string[]): (s: ChatSettings) => ChatSettings {
  const [rawKey, ...values] = args as [string, ...string[]];
  const key = rawKey.toLowerCase();
  const value = values.join(' ');
  if (key === 'tz' || key === 'timezone') {
    if (values.length !== 1) throw new CommandInputError('Usage: /settings tz Europe/Berlin (an IANA time zone name)');
    const timezone = canonicalTimeZone(values[0]!);
    if (!timezone) throw new CommandInputError(`Unknown time zone ${echo(values[0]!)}. Use an IANA name such as Europe/Berlin, America/New_York or UTC.`);
    return (s) => ({ ...s, timezone });
  }
  if (key === 'quiet') {
    if (value.toLowerCase() === 'off') return (s) => ({ ...s, quietHours: null });
    const match = /^(\S+)\s*-\s*(\S+)$/.exec(value);
    const start = match ? parseHour(match[1]!) : undefined;
    const end = match ? parseHour(match[2]!) : undefined;
    if (start === undefined || end === undefined) throw new CommandInputError('Usage: /settings quiet 22-7 (hours 0-23, local time) or /settings quiet off');
    if (start === end) throw new CommandInputError('Quiet hours need different start and end hours, e.g. 22-7.');
    return (s) => ({ ...s, quietHours: { start, end } });
  }
  if ((KINDS as readonly string[]).includes(key)) {
    if (values.length !== 1) throw new CommandInputError(`Usage: /settings ${key} on|off`);
    const enabled = parseSwitch(values[0]);
    return (s) => ({ ...s, notify: { ...s.notify, [key as Kind]: enabled } });
  }
  throw new CommandInputError(`Unknown setting ${echo(rawKey)}. Usage: ${escapeHtml(USAGE)}`);
}

/** /settings as /help and the command menu show it. */
export const settingsInfo: CommandInfo = {
  name: 'settings',
  usage: ARGS,
  description: 'time zone, quiet hours and which notifications you get',
};

export function settingsCommand(deps: { readonly users: Pick<UserStore, 'get' | 'updateSettings'> }): BotCommand {
  return {
    ...settingsInfo,
    async run(ctx: CommandContext) {
      if (ctx.args.length === 0) {
        const profile = await deps.users.get(ctx.chatId);
        const settings = profile?.settings ?? DEFAULT_CHAT_SETTINGS;
        const hint = profile ? '' : '\n(defaults: send /start to register this chat)';
        await ctx.reply(['<b>Settings</b>', ...describeSettings(settings), `Change with ${escapeHtml(USAGE)}`].join('\n') + hint);
        return;
      }
      const change = parseSettingsChange(ctx.args);
      let profile;
      try {
        profile = await deps.users.updateSettings(ctx.chatId, change, ctx.now);
      } catch (error) {
        if (isCandlebotError(error) && error.code === 'NOT_REGISTERED') throw new CommandInputError('This chat is not registered yet: send /start first.');
        throw error;
      }
      await ctx.reply(['✅ Settings saved.', ...describeSettings(profile.settings)].join('\n'));
    },
  };
}
