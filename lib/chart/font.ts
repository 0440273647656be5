/**
 * The font the chart PNGs are drawn with. resvg draws NO text when it has no font (and it
 * silently ignores a font file that does not exist), so the file is shipped in the repository
 * (DejaVu Sans, lib/chart/fonts/, with its LICENSE) and checked before use.
 *
 * Resolution, first match wins:
 * 1. the `fontPath` argument (tests, CLI);
 * 2. env `CANDLEBOT_FONT_PATH` (the Lambda bundle: set it to where the packaged file lies);
 * 3. `fonts/DejaVuSans.ttf` next to this module (`import.meta.url`): in the repository that is
 *    lib/chart/fonts/DejaVuSans.ttf; in an ESM bundle it is `fonts/DejaVuSans.ttf` next to the
 *    bundled handler file.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PermanentError } from '../errors.js';

export const CHART_FONT_FAMILY = 'DejaVu Sans';
export const CHART_FONT_FILE = 'DejaVuSans.ttf';

/** sfnt versions: TrueType 1.0, 'true', OpenType CFF 'OTTO'. */
const FONT_MAGIC = new Set(['00010000', '74727565', '4f54544f']);

const fontEnvSchema = z.object({ CANDLEBOT_FONT_PATH: z.string().min(1).optional() });

/** Immutable memo: path → checked. A font file does not change while the process lives. */
const checked = new Set<string>();

function defaultFontPath(): string | undefined {
  const url = import.meta.url as string | undefined;
  if (typeof url !== 'string' || !url.startsWith('file:')) return undefined;
  return fileURLToPath(new URL(`./fonts/${CHART_FONT_FILE}`, url));
}

/** The font file to use (see the module comment); throws PermanentError `CHART_FONT_MISSING`. */
export function resolveFontPath(fontPath?: string, env: NodeJS.ProcessEnv = process.env): string {
  const parsedEnv = fontEnvSchema.safeParse(env);
  const fromEnv = parsedEnv.success ? parsedEnv.data.CANDLEBOT_FONT_PATH : undefined;
  const path = fontPath ?? fromEnv ?? defaultFontPath();
  if (path === undefined) {
    throw new PermanentError('No chart font: set CANDLEBOT_FONT_PATH to the shipped DejaVuSans.ttf', { code: 'CHART_FONT_MISSING' });
  }
  if (!checked.has(path)) {
    let magic: string;
    try {
      if (!statSync(path).isFile()) throw new Error('not a file');
      const fd = openSync(path, 'r');
      try {
        const head = Buffer.alloc(4);
        readSync(fd, head, 0, 4, 0);
        magic = head.toString('hex');
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw new PermanentError(`Chart font ${path} cannot be read`, { code: 'CHART_FONT_MISSING', cause: error });
    }
    // resvg silently skips a file that is not a font, and then draws no text at all.
    if (!FONT_MAGIC.has(magic)) throw new PermanentError(`Chart font ${path} is not a TrueType/OpenType font`, { code: 'CHART_FONT_MISSING' });
    checked.add(path);
  }
  return path;
}
