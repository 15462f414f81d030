/**
 * How S3 writes an object key in an access-log record's Key field (formats.md §5.3 item 10):
 * URL-encoded form style, so a space is `+`, `%` is `%25`, `+` is `%2B`; `/` and `*` stay as
 * they are. Decoding once, with `+` as a space, gives the key back.
 */
export function logKeyField(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replaceAll('%20', '+'))
    .join('/');
}

/**
 * The key as a client puts it in the request path (`%20` for a space, `%25` for `%`), the way
 * the Request-URI field shows it: as sent, not re-encoded by S3.
 */
export function requestPath(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
