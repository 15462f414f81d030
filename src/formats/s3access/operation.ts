/** An S3 access-log operation split at its dots: `REST.COPY.OBJECT_GET` → REST / COPY / OBJECT_GET. */
export interface OperationParts {
  readonly kind: string | null;
  readonly method: string | null;
  readonly resource: string | null;
}

const NONE: OperationParts = { kind: null, method: null, resource: null };

/**
 * Splits an operation as logged into kind, method and resource, at the first two dots.
 *
 * `REST.GET.OBJECT` → REST/GET/OBJECT, `BATCH.DELETE.OBJECT`, `S3.EXPIRE.OBJECT` (lifecycle) and
 * `WEBSITE.GET.OBJECT` alike; `SOAP.CreateBucket` has no resource (SOAP/CreateBucket/null). Anything
 * after the second dot belongs to the resource. A value without a dot is a kind alone; `null`
 * (logged `-`) gives three nulls. Kinds are an open set: unknown ones split the same way.
 *
 * @param operation the operation field, or null
 * @returns the three parts
 */
export function splitOperation(operation: string | null): OperationParts {
  if (operation === null) return NONE;
  const firstDot = operation.indexOf('.');
  if (firstDot === -1) return { kind: operation, method: null, resource: null };
  const secondDot = operation.indexOf('.', firstDot + 1);
  if (secondDot === -1) return { kind: operation.slice(0, firstDot), method: operation.slice(firstDot + 1) || null, resource: null };
  return {
    kind: operation.slice(0, firstDot),
    method: operation.slice(firstDot + 1, secondDot) || null,
    resource: operation.slice(secondDot + 1) || null,
  };
}
