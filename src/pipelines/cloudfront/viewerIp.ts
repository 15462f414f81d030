import type { LogFormat } from '../../formats/logFormat.js';
import type { CloudFrontEvent } from '../../formats/cloudfront/event.js';

/**
 * Where an event carries its viewer IP for the summary's visitor count when IPs are not kept:
 * a symbol-keyed property, which `JSON.stringify` (raw events, late events) never writes and
 * no stored schema reads. It lives only as long as the parsed event in memory.
 */
export const VIEWER_IP: unique symbol = Symbol('letsflow.viewerIp');

/** An event as the visitor count reads it. */
export type WithViewerIp = CloudFrontEvent & { [VIEWER_IP]?: string | null };

/** The viewer IP of an event: kept (`c_ip`) or carried for the summary only. */
export function viewerIpOf(event: CloudFrontEvent): string | null | undefined {
  return (event as WithViewerIp)[VIEWER_IP] ?? event.c_ip;
}

/**
 * A format that always reads `c-ip`, so the visitor count can see it, and that — unless IPs are
 * to be kept — moves it off the event to `VIEWER_IP` and drops `x-forwarded-for`, so no stored
 * event holds an address. `make` is the format factory, called with IPs kept.
 */
export function readingViewerIp(make: (keepClientIp: boolean) => LogFormat<CloudFrontEvent>, keepClientIp: boolean): LogFormat<CloudFrontEvent> {
  const format = make(true);
  if (keepClientIp) return format;
  return {
    name: format.name,
    createParser(context) {
      const parse = format.createParser(context);
      return (line, lineNumber) => {
        const event = parse(line, lineNumber) as WithViewerIp | undefined;
        if (event === undefined) return undefined;
        // Assigning undefined, not deleting, keeps the event's hidden class (a delete would make it a dictionary); JSON leaves undefined out.
        if (event.c_ip !== undefined) {
          event[VIEWER_IP] = event.c_ip;
          event.c_ip = undefined;
        }
        if (event.x_forwarded_for !== undefined) event.x_forwarded_for = undefined;
        return event;
      };
    },
  };
}
