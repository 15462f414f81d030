import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redriveDlq } from '../../src/sources/sqsS3Events/redriveDlq.js';
import { queueDepth, startS3EventBridge, type S3EventBridge } from './support/s3EventBridge.js';

describe('integration: replaying dead-lettered messages', () => {
  let bridge: S3EventBridge;
  beforeAll(async () => {
    bridge = await startS3EventBridge();
  });
  afterAll(() => bridge.close());

  it('moves every DLQ message back to its queue, bodies intact, and empties the DLQ', async () => {
    // Prepare
    const { queueUrl, dlqUrl } = await bridge.createQueue(`redrive-${Date.now()}`, { visibilityTimeoutSeconds: 5, maxReceiveCount: 2 });
    const bodies = Array.from({ length: 13 }, (_, i) => JSON.stringify({ Records: [{ n: i }] }));
    for (const body of bodies) await bridge.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl!, MessageBody: body }));
    // Act
    const moved = await redriveDlq({ sqs: bridge.sqs, dlqUrl: dlqUrl!, queueUrl });
    // Assess
    expect(moved).toBe(13);
    expect((await queueDepth(bridge.sqs, dlqUrl!)).visible).toBe(0);
    const received: string[] = [];
    for (let i = 0; i < 5 && received.length < 13; i++) {
      const { Messages = [] } = await bridge.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      received.push(...Messages.map((m) => m.Body!));
    }
    expect(received.sort()).toEqual([...bodies].sort());
  });
});
