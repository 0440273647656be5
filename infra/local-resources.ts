/**
 * Creates the tables and queues of infra/*.yml (through infra/cfn.ts) on running local
 * emulators, named `<prefix>-<LogicalId>`. Usable on an already running stack: tests create
 * isolated copies with a unique prefix.
 */
import { CreateTableCommand, UpdateTimeToLiveCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { loadInfraResources, queueAttributes, toLocalDefinitions, type CfnResources } from './cfn.js';
import { localDynamoDb, localSqs } from './local-clients.js';

export interface LocalResources {
  /** Logical id → table name. */
  readonly tables: Readonly<Record<string, string>>;
  /** Logical id → queue URL. */
  readonly queues: Readonly<Record<string, string>>;
  /** Logical id → queue ARN. */
  readonly queueArns: Readonly<Record<string, string>>;
  /** Resources with no local equivalent (CloudWatch alarms…). */
  readonly ignored: readonly { logicalId: string; type: string }[];
}

export interface CreateResourcesOptions {
  readonly ddbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly prefix: string;
  /** Defaults to the Resources of infra/tables.yml and infra/queues.yml. */
  readonly resources?: CfnResources;
  /**
   * Apply the tables' TimeToLiveSpecification (default true). DynamoDB Local deletes expired
   * items within seconds, so tests whose clocks stand months in the past turn it off: their
   * rows would vanish mid-test (AWS deletes expired items within days, never mid-request).
   */
  readonly timeToLive?: boolean;
}

export async function createResources(options: CreateResourcesOptions): Promise<LocalResources> {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(options.prefix)) {
    throw new Error(`prefix "${options.prefix}": use 1-40 letters, digits, "-" or "_"`);
  }
  const defs = toLocalDefinitions(options.resources ?? loadInfraResources(), options.prefix);
  const ddb = localDynamoDb(options.ddbEndpoint);
  const sqs = localSqs(options.sqsEndpoint);
  try {
    const tables: Record<string, string> = {};
    await Promise.all(
      defs.tables.map(async (t) => {
        const name = t.createTable.TableName!;
        await ddb.send(new CreateTableCommand(t.createTable));
        await waitUntilTableExists({ client: ddb, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 }, { TableName: name });
        if (t.timeToLive && options.timeToLive !== false) {
          await ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: t.timeToLive }));
        }
        tables[t.logicalId] = name;
      }),
    );

    const queues: Record<string, string> = {};
    const queueArns: Record<string, string> = {};
    const resolver = {
      ref: (id: string): string => queues[id] ?? tables[id] ?? unknownRef(id),
      getAtt: (id: string, attribute: string): string => {
        if (attribute === 'Arn' && queueArns[id]) return queueArns[id];
        if (attribute === 'QueueUrl' && queues[id]) return queues[id];
        if (attribute === 'QueueName' && queues[id]) return queues[id].split('/').pop()!;
        return unknownRef(`${id}.${attribute}`);
      },
    };
    for (const q of defs.queues) {
      const created = await sqs.send(new CreateQueueCommand({ QueueName: q.name, Attributes: queueAttributes(q, resolver) }));
      const url = created.QueueUrl!;
      const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      queues[q.logicalId] = url;
      queueArns[q.logicalId] = attrs.Attributes?.['QueueArn'] ?? unknownRef(`${q.logicalId}.Arn`);
    }
    return { tables, queues, queueArns, ignored: defs.ignored };
  } finally {
    ddb.destroy();
    sqs.destroy();
  }
}

function unknownRef(what: string): never {
  throw new Error(`cannot resolve ${what} locally (create referenced queues first; only queue/table refs are supported)`);
}
