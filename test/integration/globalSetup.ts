import net from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    /** The in-process fauxqs S3/SQS emulator, `http://127.0.0.1:PORT`. */
    fauxqsEndpoint: string;
  }
}

/**
 * Starts fauxqs 1.9.2 in this (the main vitest) process on 127.0.0.1 and an ephemeral port, and
 * provides its endpoint to the integration tests. It creates no bucket or queue: each test file
 * makes its own. fauxqs hard-codes `listen({ host: '0.0.0.0' })` (its `host` option only changes
 * queue URLs), so `net.Server#listen` is wrapped for the duration of the start to bind loopback.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Imported after the variable is set: fauxqs loads the AWS SDK.
  const { startFauxqs } = await import('fauxqs');
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    const [first] = args;
    if (typeof first === 'object' && first !== null && (first as net.ListenOptions).host === '0.0.0.0') {
      args[0] = { ...(first as net.ListenOptions), host: '127.0.0.1' };
    }
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
  let server;
  try {
    server = await startFauxqs({ port: 0, logger: false });
  } finally {
    net.Server.prototype.listen = listen;
  }
  project.provide('fauxqsEndpoint', `http://127.0.0.1:${server.port}`);
  return () => server.stop();
}
