import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { CloudFrontEvent } from '../../src/formats/cloudfront/event.js';
import type { SourceObject } from '../../src/sources/sourceObject.js';

/** An in-memory source object holding `bytes`, gzip or not. */
export function memoryObject(key: string, bytes: Buffer | string, etag = 'v1'): SourceObject {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return {
    source: 's3',
    container: 'test-bucket',
    key,
    size: body.length,
    etag,
    arrivedAt: 0,
    open: async () => Readable.from([body]),
  };
}

const dash = (v: unknown): string => (v === null || v === undefined ? '-' : String(v));
const seconds = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v.toFixed(3));
const encode = (v: string | null | undefined): string => (v === null || v === undefined ? '-' : encodeURIComponent(v).replace(/%2B/g, '+').replace(/%2F/g, '/'));

/** A real-time log line for the `sgraph-27` field list, written from an event the way CloudFront would. */
export function sgraph27Line(e: CloudFrontEvent): string {
  return [
    (e.timestamp / 1000).toFixed(3), e.sc_status === 0 ? '000' : dash(e.sc_status), dash(e.sc_bytes), 'GET', encode(e.cs_uri_stem), '-', 'https',
    'HTTP/2.0', 'text/html', '-', encode(e.cs_user_agent), '-', dash(e.x_edge_location), dash(e.x_edge_result_type), dash(e.x_edge_result_type),
    'req-id', seconds(e.time_taken), seconds(e.time_to_first_byte), '-', '-', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', '*/*', 'gzip', 'example.com', '-', '-',
  ].join('\t');
}

/**
 * `e` as its `sgraph27Line` reads back: with the constant columns the line writes (method,
 * protocol, TLS, content type, response result type), so a direct summary sees what the parser sees.
 */
export function sgraph27Event(e: CloudFrontEvent): CloudFrontEvent {
  return {
    ...e, cs_method: 'GET', cs_protocol: 'https', cs_protocol_version: 'HTTP/2.0', sc_content_type: 'text/html',
    x_edge_response_result_type: e.x_edge_result_type ?? null, ssl_protocol: 'TLSv1.3', ssl_cipher: 'TLS_AES_128_GCM_SHA256',
  };
}

/** A gzip real-time log object holding these events as lines. */
export function realtimeObject(key: string, events: readonly CloudFrontEvent[]): SourceObject {
  return memoryObject(key, gzipSync(events.map((e) => `${sgraph27Line(e)}\n`).join('')));
}
