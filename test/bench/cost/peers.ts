/**
 * `npm run cost`'s peers, in their own process so the CPU the measurement reads is the handlers'
 * alone: counting proxies in front of DynamoDB Local and the SQS emulator (every HTTP request the
 * SDK sends, retries included, by operation; DynamoDB requests get `ReturnConsumedCapacity:
 * TOTAL` added and the units DynamoDB Local reports are summed: RRU for reads, WRU for writes; a
 * failed conditional write counts 1 WRU, a cancelled transaction 2 per item, as AWS bills them
 * for items up to 1 KB), and the fake Telegram Bot API behind a proxy that adds the assumed
 * network latency. Started by test/bench/cost/measure.ts with its options as JSON in argv[2];
 * prints `{ ddb, sqs, telegram, token }` once listening; on stdin, `snap` prints the counters
 * so far as one JSON line. Exits when stdin closes.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { startFakeTelegram } from '../../support/fake-telegram/index.js';
import type { PeerCounters } from './types.js';

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const SQS_CHUNK = 64 * 1024;

const counters: PeerCounters = { ddb: { requests: 0, rru: 0, wru: 0, byOp: {} }, sqs: { requests: 0, billed: 0, byOp: {} }, telegram: { calls: 0 } };

const readAll = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

interface Exchange {
  readonly op: string;
  readonly body: Buffer;
}

/** A proxy to `target`; `rewrite` may change the request body, `seen` gets each answered exchange. */
async function proxy(target: string, options: { rewrite?: (e: Exchange) => Buffer; seen: (e: Exchange, status: number, body: Buffer) => void; delayMs?: number }): Promise<Server> {
  const url = new URL(target);
  const server = createServer((req, res) => {
    void (async () => {
      const op = String(req.headers['x-amz-target'] ?? req.url ?? '').split('.').pop()!.split('/').pop()!;
      const original = await readAll(req);
      const body = options.rewrite ? options.rewrite({ op, body: original }) : original;
      // The body is forwarded whole: its length replaces any chunked transfer encoding.
      const { 'transfer-encoding': _chunked, ...rest } = req.headers;
      const headers = { ...rest, host: url.host, 'content-length': String(body.length) };
      const upstream = request({ host: url.hostname, port: url.port, path: req.url, method: req.method, headers }, (answer) => {
        void readAll(answer).then(async (out) => {
          options.seen({ op, body }, answer.statusCode ?? 0, out);
          if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(out);
        });
      });
      upstream.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(body);
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const json = (b: Buffer): Record<string, unknown> => {
  try {
    return JSON.parse(b.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
};

const units = (consumed: unknown): number =>
  (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((s: number, c) => s + Number((c as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);

function countDynamo(e: Exchange, status: number, out: Buffer): void {
  const d = counters.ddb;
  d.requests++;
  d.byOp[e.op] = (d.byOp[e.op] ?? 0) + 1;
  const answer = json(out);
  if (status === 200) {
    const u = units(answer['ConsumedCapacity']);
    if (READS.has(e.op)) d.rru += u;
    if (WRITES.has(e.op)) d.wru += u;
    return;
  }
  const type = String(answer['__type'] ?? '');
  if (type.includes('ConditionalCheckFailed')) d.wru += 1;
  if (type.includes('TransactionCanceled')) d.wru += 2 * ((json(e.body)['TransactItems'] as unknown[] | undefined)?.length ?? 1);
}

function withCapacity(e: Exchange): Buffer {
  if (!READS.has(e.op) && !WRITES.has(e.op)) return e.body;
  const input = json(e.body);
  if (input['ReturnConsumedCapacity'] !== undefined) return e.body;
  return Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'TOTAL' }));
}

function countSqs(e: Exchange): void {
  const s = counters.sqs;
  s.requests++;
  s.billed += Math.max(1, Math.ceil(e.body.length / SQS_CHUNK));
  s.byOp[e.op] = (s.byOp[e.op] ?? 0) + 1;
}

const options = JSON.parse(process.argv[2] ?? '{}') as { ddb: string; sqs: string; latencyMs: number };
const fake = await startFakeTelegram({ limits: false });
const servers = await Promise.all([
  proxy(options.ddb, { rewrite: withCapacity, seen: countDynamo }),
  proxy(options.sqs, { seen: countSqs }),
  proxy(fake.apiRoot, { seen: () => void counters.telegram.calls++, delayMs: options.latencyMs }),
]);
const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
process.stdout.write(`${JSON.stringify({ ddb: urlOf(servers[0]), sqs: urlOf(servers[1]), telegram: urlOf(servers[2]), token: fake.token })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'snap') process.stdout.write(`${JSON.stringify(counters)}\n`);
});
lines.on('close', () => {
  for (const s of servers) s.close();
  void fake.close().then(() => process.exit(0));
});
