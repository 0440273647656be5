/** Replaces every occurrence of each secret (≥ 8 characters) by `<redacted>`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    out = out.split(secret).join('<redacted>');
    // The secret half of a bot token (telegraf's own redaction keeps the id, other texts may not).
    const colon = secret.indexOf(':');
    if (colon > 0 && secret.length - colon > 8) out = out.split(secret.slice(colon + 1)).join('<redacted>');
  }
  return out;
}
