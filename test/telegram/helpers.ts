/** Small helpers shared by the Telegram tests. */
import type { Log } from '../../lib/ports/log.js';

/** A minimal PNG (signature + IHDR with the given size); enough for the fake Bot API. */
export function tinyPng(width = 800, height = 600): Uint8Array {
  const bytes = new Uint8Array(33 + 12);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  bytes.set([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44], 33);
  return bytes;
}

export interface LogEntry {
  readonly level: string;
  readonly message: string;
  readonly extra: Record<string, unknown> | undefined;
}

export function recordingLog(): Log & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => void entries.push({ level, message, extra });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
