import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/runtime/config.js';
import { cacheStoreFor } from '../../../src/runtime/pipelineService.js';

describe('config: durable writes', () => {
  it('LETSFLOW_DURABLE reaches the folder cache store, which still writes and reads back', async () => {
    // Prepare
    const root = await mkdtemp(path.join(tmpdir(), 'letsflow-durable-'));
    try {
      const config = await loadConfig({ cache: root }, { LETSFLOW_DURABLE: 'true' });
      // Act
      const store = cacheStoreFor(config);
      await store.put({ namespace: 'sa-test', key: 'a', fileType: 'json' }, '{"ok":true}');
      // Assess
      expect(config.durable).toBe(true);
      expect(Buffer.from((await store.get({ namespace: 'sa-test', key: 'a', fileType: 'json' }))!).toString()).toBe('{"ok":true}');
      expect((await loadConfig({ cache: root }, {})).durable).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
