import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server in front of an S3 emulator; `endpoint` is `http://127.0.0.1:PORT`. */
export interface LoopbackProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

const unquote = (etag: string): string => etag.replace(/^"(.*)"$/, '$1');
const errorXml = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>conditional-proxy</RequestId></Error>`;

/**
 * Adds S3 conditional writes to an emulator that ignores them (fauxqs 1.9.2 stores a PutObject
 * whatever its If-None-Match or If-Match). Every request that changes an object (PutObject,
 * CopyObject, DeleteObject, CompleteMultipartUpload) runs under a per-key lock; a PutObject with
 * `If-None-Match: *` or `If-Match` first HEADs the key and answers as S3 does: 412
 * PreconditionFailed when the key exists / its ETag differs, 404 NoSuchKey for If-Match on an
 * absent key. Everything else is forwarded byte for byte, Host included, so signatures stay valid.
 */
export async function conditionalProxy(upstream: string): Promise<LoopbackProxy> {
  const { hostname, port } = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const locks = new Map<string, Promise<void>>();

  async function withLock(key: string, action: () => Promise<void>): Promise<void> {
    const previous = locks.get(key) ?? Promise.resolve();
    const current = previous.then(action, action);
    const settled = current.catch(() => undefined);
    locks.set(key, settled);
    await current.finally(() => locks.get(key) === settled && locks.delete(key));
  }

  const forward = (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      const out = http.request({ hostname, port, method: req.method, path: req.url, headers: req.rawHeaders, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      });
      out.on('error', (error) => res.destroy(error));
      res.on('close', () => {
        out.destroy();
        resolve();
      });
      req.pipe(out);
    });

  async function head(path: string): Promise<string | undefined> {
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => http.request({ hostname, port, method: 'HEAD', path, agent }, resolve).on('error', reject).end());
    answer.resume();
    return answer.statusCode === 200 ? unquote(String(answer.headers.etag)) : undefined;
  }

  async function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string): Promise<void> {
    await once(req.resume(), 'end');
    res.writeHead(status, { 'content-type': 'application/xml' }).end(errorXml(code, 'At least one of the pre-conditions you specified did not hold'));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const isObject = /^\/[^/]+\/.+/.test(url.pathname);
    const changes = isObject && (req.method === 'DELETE' || (req.method === 'PUT' && !url.searchParams.has('partNumber')) || (req.method === 'POST' && url.searchParams.has('uploadId')));
    if (!changes) return void forward(req, res);
    void withLock(url.pathname, async () => {
      const ifNoneMatch = req.headers['if-none-match'];
      const ifMatch = req.headers['if-match'];
      if (req.method === 'PUT' && (ifNoneMatch === '*' || ifMatch !== undefined)) {
        const etag = await head(url.pathname);
        if (ifNoneMatch === '*' && etag !== undefined) return refuse(req, res, 412, 'PreconditionFailed');
        if (ifMatch !== undefined && etag === undefined) return refuse(req, res, 404, 'NoSuchKey');
        if (ifMatch !== undefined && ifMatch !== '*' && unquote(ifMatch) !== etag) return refuse(req, res, 412, 'PreconditionFailed');
      }
      await forward(req, res);
    }).catch((error: unknown) => res.destroy(error as Error));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}
