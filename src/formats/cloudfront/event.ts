import { z } from 'zod';

/**
 * A CloudFront request, from either log format, with real types: numbers as numbers, the
 * timestamp as epoch milliseconds (UTC, when the edge finished responding), `-` as `null`,
 * and text percent-decoded exactly once. A field the log did not carry is absent.
 *
 * Host fields follow the real-time log's meaning in both formats: `cs_host` is the Host
 * header the viewer sent, `x_host_header` the distribution's domain (the standard log names
 * them the other way round; its parser swaps them).
 */
export const CloudFrontEventSchema = z
  .object({
    timestamp: z.number().int().describe('epoch milliseconds, UTC'),
    c_ip: z.string().nullable().optional().describe('viewer IP; kept only when configured'),
    s_ip: z.string().nullable().optional(),
    time_to_first_byte: z.number().nonnegative().nullable().optional().describe('seconds'),
    sc_status: z.number().int().min(0).max(999).nullable().optional().describe('0 = viewer closed before a response (000)'),
    sc_bytes: z.number().int().nonnegative().nullable().optional(),
    cs_method: z.string().nullable().optional(),
    cs_protocol: z.string().nullable().optional(),
    cs_host: z.string().nullable().optional().describe('Host header the viewer sent'),
    cs_uri_stem: z.string().nullable().optional().describe('path only, decoded; the query is in cs_uri_query'),
    cs_bytes: z.number().int().nonnegative().nullable().optional(),
    x_edge_location: z.string().nullable().optional(),
    x_edge_request_id: z.string().nullable().optional(),
    x_host_header: z.string().nullable().optional().describe("the distribution's domain name"),
    time_taken: z.number().nonnegative().nullable().optional().describe('seconds'),
    cs_protocol_version: z.string().nullable().optional(),
    c_ip_version: z.string().nullable().optional(),
    cs_user_agent: z.string().nullable().optional(),
    cs_referer: z.string().nullable().optional(),
    cs_cookie: z.string().nullable().optional().describe('Cookie header; kept only when configured (keepCookies)'),
    cs_uri_query: z.string().nullable().optional().describe("query string, not decoded: null unless configured (queryStrings 'names': parameter names only; 'whole': as logged)"),
    x_edge_response_result_type: z.string().nullable().optional(),
    x_forwarded_for: z.string().nullable().optional(),
    ssl_protocol: z.string().nullable().optional(),
    ssl_cipher: z.string().nullable().optional(),
    x_edge_result_type: z.string().nullable().optional(),
    fle_encrypted_fields: z.number().int().nonnegative().nullable().optional(),
    fle_status: z.string().nullable().optional(),
    sc_content_type: z.string().nullable().optional(),
    sc_content_len: z.number().int().nonnegative().nullable().optional(),
    sc_range_start: z.number().int().nonnegative().nullable().optional(),
    sc_range_end: z.number().int().nonnegative().nullable().optional(),
    c_port: z.number().int().nonnegative().nullable().optional(),
    x_edge_detailed_result_type: z.string().nullable().optional(),
    c_country: z.string().nullable().optional(),
    cs_accept_encoding: z.string().nullable().optional(),
    cs_accept: z.string().nullable().optional(),
    cache_behavior_path_pattern: z.string().nullable().optional(),
    cs_headers: z.string().nullable().optional(),
    cs_header_names: z.string().nullable().optional(),
    cs_headers_count: z.number().int().nonnegative().nullable().optional(),
    primary_distribution_id: z.string().nullable().optional(),
    primary_distribution_dns_name: z.string().nullable().optional(),
    origin_fbl: z.number().nonnegative().nullable().optional().describe('seconds'),
    origin_lbl: z.number().nonnegative().nullable().optional().describe('seconds'),
    asn: z.number().int().nonnegative().nullable().optional(),
    distribution_tenant_id: z.string().nullable().optional(),
    connection_id: z.string().nullable().optional(),
    extra: z.record(z.string(), z.string().nullable()).optional().describe('fields letsflow has no type for, by log name'),
  })
  .strict();

export type CloudFrontEvent = z.infer<typeof CloudFrontEventSchema>;

/** Names of the typed event fields (not `extra`). */
export type EventField = Exclude<keyof CloudFrontEvent, 'extra'>;
