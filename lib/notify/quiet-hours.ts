import type { ChatSettings } from '../ports/users.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Hour of day (0–23) at `now` in the IANA zone; throws RangeError for an unknown zone. */
export function localHour(now: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    if (formatters.size < 500) formatters.set(timeZone, f);
  }
  const hour = Number(f.formatToParts(new Date(now)).find((p) => p.type === 'hour')?.value);
  return hour === 24 ? 0 : hour;
}

/**
 * True when `now` falls into the chat's quiet hours [start, end) in its time zone (messages are
 * then sent silently, never held back). A range may wrap midnight (22 → 7); start = end is empty.
 * An unknown time zone counts as UTC (`zoneError` tells the caller, to log it).
 */
export function inQuietHours(settings: Pick<ChatSettings, 'timezone' | 'quietHours'>, now: number): { quiet: boolean; zoneError?: string } {
  const q = settings.quietHours;
  if (!q || q.start === q.end) return { quiet: false };
  let hour: number;
  let zoneError: string | undefined;
  try {
    hour = localHour(now, settings.timezone);
  } catch {
    zoneError = `unknown time zone ${JSON.stringify(settings.timezone).slice(0, 60)}, using UTC`;
    hour = new Date(now).getUTCHours();
  }
  const quiet = q.start < q.end ? hour >= q.start && hour < q.end : hour >= q.start || hour < q.end;
  return zoneError ? { quiet, zoneError } : { quiet };
}
