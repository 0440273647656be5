/** The `npm …` commands README prints (test/cli/readme-commands.test.ts runs them). */
export interface ReadmeCommand {
  readonly line: number;
  readonly text: string;
}

/** The `npm …` commands of README: ```sh block lines (comments cut) and inline backticked ones. */
export function readmeCommands(readme: string): ReadmeCommand[] {
  const found: ReadmeCommand[] = [];
  const lines = readme.split('\n');
  let fence: string | undefined;
  lines.forEach((raw, i) => {
    const f = /^\s*```(\S*)/.exec(raw);
    if (f) {
      fence = fence === undefined ? f[1] : undefined;
      return;
    }
    if (fence !== undefined) {
      if (fence !== 'sh') return;
      const text = raw.replace(/\s+#\s.*$/, '').trim();
      if (/^([A-Z_]+=\S+\s+)*npm\s/.test(text)) found.push({ line: i + 1, text });
      return;
    }
    for (const m of raw.matchAll(/`(([A-Z_]+=[^`\s]+\s+)*npm (run|start|test|ci)\b[^`]*)`/g)) found.push({ line: i + 1, text: m[1]!.trim() });
  });
  const seen = new Set<string>();
  return found.filter((c) => !seen.has(c.text) && seen.add(c.text));
}
