import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LedgerEntrySchema } from '../../../src/engine/documents.js';
import { objectId } from '../../../src/engine/layout.js';
import { listLedger } from '../../../src/engine/ledger.js';
import { runPipeline } from '../../../src/engine/runPipeline.js';
import { NAMESPACES } from '../../../src/pipelines/cloudfront/namespaces.js';
import { memoryCacheStore, type MemoryCacheStore } from '../../../src/sinks/memoryCacheStore.js';
import { BASE_TIME, cloudfrontContext, event } from '../../helpers/factories.js';
import { memoryObject, realtimeObject, sgraph27Line } from '../../helpers/objects.js';

const ctx = (store: MemoryCacheStore) => cloudfrontContext(store, { keepRaw: true, maxLineLength: 4096 });

const lines = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => `${sgraph27Line(event({ timestamp: BASE_TIME + (from + i) * 60_000 }))}\n`).join('');
const readJsonEntry = async (store: MemoryCacheStore, namespace: string, key: string): Promise<unknown> =>
  JSON.parse(Buffer.from((await store.get({ namespace, key, fileType: 'json' }))!).toString('utf8'));
const namespace = (store: MemoryCacheStore, ns: string) => new Map([...store.snapshot()].filter(([p]) => p.startsWith(`${ns}/`)));

describe('pipeline: bad input costs no other object its data', () => {
  const good = realtimeObject('logs/good.gz', Array.from({ length: 50 }, (_, i) => event({ timestamp: BASE_TIME + i * 60_000 })));
  const plain = memoryObject('logs/plain-text.gz', lines(10, 50));
  const gz = gzipSync(lines(200));
  const corrupt = memoryObject('logs/corrupt.gz', Buffer.concat([gz.subarray(0, 40), Buffer.alloc(64, 0x55), gz.subarray(104)]));
  const truncated = memoryObject('logs/truncated.gz', gz.subarray(0, Math.floor(gz.length / 2)));
  const overLong = memoryObject('logs/over-long.gz', gzipSync(`${lines(3)}${'x'.repeat(5000)}\n${lines(3, 3)}`));
  const empty = memoryObject('logs/empty.gz', Buffer.alloc(0));
  const garbageBytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256).filter((b) => b !== 0x1f));
  const garbage = memoryObject('logs/garbage.bin', garbageBytes);
  const badLines = memoryObject(
    'logs/bad-lines.gz',
    gzipSync(
      [
        sgraph27Line(event({ timestamp: BASE_TIME + 70 * 60_000 })),
        sgraph27Line(event()).split('\t').slice(0, 20).join('\t'),
        sgraph27Line(event()).replace('\t1000\t', '\tlots\t'),
        sgraph27Line(event()).replace(/^[^\t]+/, '99999999999.000'),
        sgraph27Line(event({ timestamp: BASE_TIME + 71 * 60_000, cs_uri_stem: '/ok' })).replace('/ok', '/bad%2escape%zz'),
      ].join('\n'),
    ),
  );

  it('quarantines unreadable objects with the reason, object and line, and commits nothing of them', async () => {
    // Prepare
    const store = memoryCacheStore();
    // Act
    const outcome = await runPipeline([good, plain, corrupt, truncated, overLong, empty, garbage, badLines], ctx(store));
    // Assess
    const codes = Object.fromEntries(outcome.quarantined.map((q) => [q.object.key, q.error?.code]));
    expect(codes).toEqual({
      'logs/corrupt.gz': 'gzip_corrupt',
      'logs/truncated.gz': 'gzip_truncated',
      'logs/over-long.gz': 'line_too_long',
      'logs/garbage.bin': 'mostly_parse_errors',
    });
    const overLongEntry = outcome.quarantined.find((q) => q.object.key === 'logs/over-long.gz')!;
    expect(overLongEntry.error?.message).toMatch(/s3:\/\/test-bucket\/logs\/over-long\.gz line 4: line longer than 4096 characters/);
    for (const q of [corrupt, truncated, overLong]) {
      const id = objectId(q);
      expect([...store.snapshot().keys()].filter((p) => p.includes(id) && !p.startsWith(`${NAMESPACES.ledger}/`) && !p.startsWith(`${NAMESPACES.errors}/`))).toEqual([]);
      expect(await readJsonEntry(store, NAMESPACES.errors, `quarantine/${id}`)).toMatchObject({ object: `s3://test-bucket/${q.key}` });
    }
  });

  it('accounts for every line of every object: lines = events + parse errors + headers + blank', async () => {
    // Prepare
    const store = memoryCacheStore();
    // Act
    await runPipeline([good, plain, corrupt, truncated, overLong, empty, garbage, badLines], ctx(store));
    // Assess: quarantined objects commit nothing, so they account for nothing; all others balance
    const ledger = await listLedger(store, NAMESPACES);
    expect(ledger).toHaveLength(8);
    for (const entry of ledger) {
      expect(entry.lines, entry.name).toBe(entry.events + entry.parse_errors + entry.headers + entry.blank);
      if (entry.status === 'quarantined') expect(entry.lines).toBe(0);
    }
    expect(ledger.filter((e) => e.status === 'done').reduce((n, e) => n + e.lines, 0)).toBe(50 + 10 + 0 + 5);
  });

  it('leaves the aggregates exactly as if only the readable objects existed', async () => {
    // Prepare
    const withBad = memoryCacheStore();
    const clean = memoryCacheStore();
    // Act
    await runPipeline([good, corrupt, plain, truncated, overLong, empty, garbage], ctx(withBad));
    await runPipeline([good, plain], ctx(clean));
    // Assess
    expect(namespace(withBad, NAMESPACES.aggregate)).toEqual(namespace(clean, NAMESPACES.aggregate));
  });

  it('records each bad line with its object, line number and reason, and keeps the good lines of the same object', async () => {
    // Prepare
    const store = memoryCacheStore();
    // Act
    const outcome = await runPipeline([badLines], ctx(store));
    // Assess
    const ledger = LedgerEntrySchema.parse(await readJsonEntry(store, NAMESPACES.ledger, `objects/${objectId(badLines)}`));
    expect(ledger).toMatchObject({ lines: 5, events: 2, parse_errors: 3, status: 'done' });
    expect(ledger.lines).toBe(ledger.events + ledger.parse_errors + ledger.headers + ledger.blank);
    const errors = (await readJsonEntry(store, NAMESPACES.errors, `parse/${objectId(badLines)}`)) as { errors: { line: number; code: string; object: string }[] };
    expect(errors.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'column_count'],
      [3, 'not_a_number'],
      [4, 'timestamp_invalid'],
    ]);
    expect(errors.errors.every((e) => e.object === 's3://test-bucket/logs/bad-lines.gz')).toBe(true);
    expect(outcome.parseErrors).toBe(3);
  });

  it('reads plain text and an empty object without quarantining them, and quarantines garbage (every line a parse error)', async () => {
    const store = memoryCacheStore();
    const outcome = await runPipeline([plain, empty, garbage], ctx(store));
    expect(outcome.quarantined.map((q) => [q.object.key, q.error?.code])).toEqual([['logs/garbage.bin', 'mostly_parse_errors']]);
    expect(outcome.quarantined[0]!.error?.message).toMatch(/lines are parse errors \(first: line \d+ \[[a-z_]+\] .*\): does the field list match\?/);
    expect(outcome.events).toBe(10);
  });
});
