import { startLoopbackFauxqs } from './support/loopbackFauxqs.js';
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
 * makes its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startLoopbackFauxqs();
  project.provide('fauxqsEndpoint', `http://127.0.0.1:${server.port}`);
  return () => server.stop();
}
