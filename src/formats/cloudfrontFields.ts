/**
 * Kept so existing imports keep working: the field mapping now lives in `./cloudfront/`
 * (`fieldPlan.ts` resolves a field list; `fieldTable.ts`, `valueConverters.ts` and
 * `timeConverters.ts` say how each AWS field becomes an event field).
 */
export { cloudfrontFields } from './cloudfront/fieldPlan.js';
export type { CloudFrontLogKind, FieldPlan, FieldPlanOptions } from './cloudfront/fieldPlan.js';
