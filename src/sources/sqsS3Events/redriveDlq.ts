import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LetsflowError } from '../../core/errors.js';

export interface RedriveOptions {
  readonly sqs: SQSClient;
  /** The dead-letter queue to drain. */
  readonly dlqUrl: string;
  /** The queue to send the messages back to. */
  readonly queueUrl: string;
  /** Most messages to move; all of them by default. */
  readonly max?: number;
}

/**
 * Moves messages from a dead-letter queue back to the queue they failed on, after the cause is
 * fixed (seed 004 lists "DLQ retry mechanism: no replay" as missing). Each batch is sent before it
 * is deleted from the DLQ, so a crash in between duplicates a message — harmless, since
 * processing an object twice rewrites identical outputs — and never loses one.
 *
 * @example
 * ```ts
 * import { SQSClient } from '@aws-sdk/client-sqs';
 * import { redriveDlq } from 'letsflow';
 * const moved = await redriveDlq({ sqs: new SQSClient({}), dlqUrl, queueUrl });
 * ```
 * @returns how many messages were moved
 */
export async function redriveDlq(options: RedriveOptions): Promise<number> {
  const { sqs, dlqUrl, queueUrl } = options;
  const max = options.max ?? Infinity;
  let moved = 0;
  while (moved < max) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: Math.min(10, max - moved), WaitTimeSeconds: 1, VisibilityTimeout: 60 }),
    );
    if (messages.length === 0) break;
    const entries = messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' }));
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (sent.Failed?.length) {
      throw new LetsflowError('redrive_failed', 'writing', `could not send ${sent.Failed.length} messages back to ${queueUrl}: ${sent.Failed[0]?.Message ?? 'unknown'}; they stay in the DLQ`);
    }
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    moved += messages.length;
  }
  return moved;
}
