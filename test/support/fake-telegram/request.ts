/**
 * Reading a Bot API request the way Telegram accepts it: query string, JSON,
 * application/x-www-form-urlencoded or multipart/form-data (files kept as bytes).
 */
import type { IncomingMessage } from 'node:http';

export interface UploadedFile {
  readonly bytes: Uint8Array;
  readonly filename: string;
}

export interface ApiRequest {
  readonly token: string;
  readonly method: string;
  /** Plain parameters; multipart and form values arrive as strings, JSON ones keep their type. */
  readonly params: Record<string, unknown>;
  readonly files: ReadonlyMap<string, UploadedFile>;
}

const MAX_BODY = 60 * 1024 * 1024;

export class BadBody extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new BadBody('Request Entity Too Large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** `/bot<token>/<method>` → token and method, or undefined for any other path. */
export function parsePath(pathname: string): { token: string; method: string } | undefined {
  const match = /^\/bot([^/]+)\/([A-Za-z]+)\/?$/.exec(pathname);
  return match?.[1] && match[2] ? { token: decodeURIComponent(match[1]), method: match[2] } : undefined;
}

export async function readApiRequest(req: IncomingMessage, url: URL, path: { token: string; method: string }): Promise<ApiRequest> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  const body = await readBody(req);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (body.length > 0 && type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BadBody("can't parse JSON object");
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadBody('JSON object expected');
    Object.assign(params, parsed);
  } else if (body.length > 0 && type.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
    } catch {
      throw new BadBody("can't parse multipart/form-data");
    }
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') params[key] = value;
      else {
        files.set(key, { bytes: new Uint8Array(await value.arrayBuffer()), filename: value.name });
        params[key] = { upload: value.name, size: value.size };
      }
    }
  }
  return { token: path.token, method: path.method, params, files };
}

/** A chat id as Telegram takes it (number or numeric string); undefined otherwise. */
export function chatIdOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) return Number(value);
  return undefined;
}

export function integerOf(value: unknown): number | undefined {
  return chatIdOf(value);
}

export function booleanOf(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

/** JSON-typed fields (reply_markup, commands) arrive as strings in multipart. */
export function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new BadBody("can't parse JSON field");
  }
}
