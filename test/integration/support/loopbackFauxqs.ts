import net from 'node:net';
import type { FauxqsServer } from 'fauxqs';

/**
 * Starts fauxqs 1.9.2 in this process on 127.0.0.1 and an ephemeral port. fauxqs hard-codes
 * `listen({ host: '0.0.0.0' })` (its `host` option only changes queue URLs), so
 * `net.Server#listen` is wrapped for the duration of the start to bind loopback: nothing a test
 * starts may listen beyond this machine.
 */
export async function startLoopbackFauxqs(options: { messageSpies?: { bufferSize: number } } = {}): Promise<FauxqsServer> {
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
  try {
    return await startFauxqs({ port: 0, logger: false, ...options });
  } finally {
    net.Server.prototype.listen = listen;
  }
}
