import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoopbackProxy } from './conditionalProxy.js';

/** A request as the fault proxy saw it. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly range: string | undefined;
  readonly ifMatch: string | undefined;
  /** What the proxy did with it. */
  readonly outcome: 'forwarded' | 'cut' | 'failed';
}

export interface CutOptions {
  /** Body bytes to send before the socket is destroyed. */
  readonly afterBytes: number;
  /** Only a GetObject whose URL path ends with this (URL-encoded as sent); any GetObject when absent. */
  readonly pathEndsWith?: string;
  /** Runs after those bytes were handed to the socket and before it is destroyed. */
  readonly beforeCut?: () => Promise<void>;
}

export interface FailOptions {
  readonly status?: number;
  readonly code?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Only requests this accepts are failed (and counted); all when absent. */
  readonly match?: (method: string, url: string) => boolean;
}

export interface FaultProxy extends LoopbackProxy {
  readonly requests: readonly SeenRequest[];
  /** Responses being streamed to a client right now. */
  activeResponses(): number;
  /** Cuts the connection of the next matching GetObject after `afterBytes` bytes of its body. */
  cutNextGet(options: CutOptions): void;
  /** Answers the next `count` matching requests with an S3 error (503 SlowDown by default) instead of forwarding them. */
  failNext(count: number, options?: FailOptions): void;
}

/**
 * A loopback proxy in front of S3 (or another proxy) that injects the faults the S3 source must
 * survive: a GetObject response socket destroyed after N body bytes, and error answers such as
 * 503 SlowDown for the next K requests. Everything else is forwarded byte for byte.
 */
export async function faultProxy(upstream: string): Promise<FaultProxy> {
  const { hostname, port } = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const requests: SeenRequest[] = [];
  const cuts: CutOptions[] = [];
  let failures: { remaining: number; options: FailOptions } | undefined;
  let active = 0;

  const isGetObject = (method: string, path: string): boolean => method === 'GET' && /^\/[^/]+\/.+/.test(path);

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const seen = (outcome: SeenRequest['outcome']): void => {
      requests.push({ method, url, range: req.headers.range, ifMatch: req.headers['if-match'], outcome });
    };

    if (failures !== undefined && failures.remaining > 0 && (failures.options.match?.(method, url) ?? true)) {
      failures.remaining -= 1;
      const { status = 503, code = 'SlowDown', headers = {} } = failures.options;
      seen('failed');
      req.resume();
      const body = method === 'HEAD' ? '' : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected by faultProxy</Message><RequestId>fault-proxy</RequestId></Error>`;
      res.writeHead(status, { 'content-type': 'application/xml', ...headers }).end(body);
      return;
    }

    const cutIndex = isGetObject(method, path) ? cuts.findIndex((cut) => cut.pathEndsWith === undefined || path.endsWith(cut.pathEndsWith)) : -1;
    const cut = cutIndex >= 0 ? cuts.splice(cutIndex, 1)[0] : undefined;
    seen(cut === undefined ? 'forwarded' : 'cut');
    active += 1;
    res.on('close', () => {
      active -= 1;
      out.destroy();
    });
    const out = http.request({ hostname, port, method, path: url, headers: req.rawHeaders, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      if (cut === undefined) {
        answer.pipe(res);
        return;
      }
      let sent = 0;
      answer.on('data', (chunk: Buffer) => {
        if (sent >= cut.afterBytes) return;
        const part = chunk.subarray(0, cut.afterBytes - sent);
        sent += part.length;
        if (sent < cut.afterBytes) {
          res.write(part);
          return;
        }
        answer.destroy();
        res.write(part, () => {
          void (cut.beforeCut?.() ?? Promise.resolve()).finally(() => res.socket?.destroy());
        });
      });
      answer.on('end', () => res.end());
    });
    out.on('error', (error) => res.destroy(error));
    req.pipe(out);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    activeResponses: () => active,
    cutNextGet: (options) => void cuts.push(options),
    failNext: (count, options = {}) => {
      failures = { remaining: count, options };
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}
