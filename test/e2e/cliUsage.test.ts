import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliRunner } from '../helpers/cli.js';

const letsflow = cliRunner({ LETSFLOW_API_TOKEN: '' });

/** One line on stderr, no stack frame. */
function expectOneLine(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
}

describe('e2e: letsflow CLI answers bad input in one line', () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'letsflow-usage-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('rejects a source that is a file, with exit code 2', async () => {
    // Prepare
    await writeFile(join(cwd, 'logs.gz'), 'not a folder');
    // Act
    const result = await letsflow(cwd, 'run', '--source', 'logs.gz');
    // Assess
    expect(result.code).toBe(2);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(/logs\.gz is a file, not a folder/);
  });

  it.each([
    [['--lateness', 'abc'], /--lateness must be a number of minutes, 0 or more \(got 'abc'\)/],
    [['--lateness', '-5'], /--lateness must be a number of minutes, 0 or more \(got '-5'\): a negative lateness is invalid/],
    [['--lateness=-5'], /--lateness must be a number of minutes, 0 or more \(got '-5'\): a negative lateness is invalid/],
    [['--port', 'http'], /--port must be a whole number from 0 to 65535, 0 for any free port \(got 'http'\)/],
    [['--sorce', 'x'], /unknown flag --sorce: did you mean --source\?/],
    [['--lateness'], /--lateness needs a value/],
  ])('rejects %j with exit code 2 and names the flag', async (flags, message) => {
    const result = await letsflow(cwd, 'report', ...flags);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(message);
  });

  it('warns when a folder holds no matching objects (only symlinks here), and still exits 0', async () => {
    // Prepare
    const source = join(cwd, 'only-links');
    await mkdir(source);
    await writeFile(join(cwd, 'real.gz'), '');
    await symlink(join(cwd, 'real.gz'), join(source, 'link.gz'));
    // Act
    const result = await letsflow(cwd, 'run', '--source', source, '--prefix', 'cloudfront-realtime/', '--cache', join(cwd, 'cache'));
    // Assess
    expect(result.code).toBe(0);
    expectOneLine(result.stderr);
    expect(result.stderr).toContain(`no objects were found under ${source} with prefix 'cloudfront-realtime/'`);
  });

  describe('serve on a port in use', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('says the port is in use, with exit code 2', async () => {
      const result = await letsflow(cwd, 'serve', '--port', String(port), '--ingest-every', '0', '--aggregate-every', '0', '--cache', join(cwd, 'cache'));
      expect(result.code).toBe(2);
      expectOneLine(result.stderr);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    });
  });

  it('exits quietly when the reader of its output goes away (`letsflow errors | head`)', async () => {
    // Prepare: the read end closes before letsflow writes anything
    const child = spawn(process.execPath, [CLI, 'errors', '--cache', join(cwd, 'cache'), '--source', cwd], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Act
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
