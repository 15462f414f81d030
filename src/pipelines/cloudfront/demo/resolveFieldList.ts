import { ConfigError } from '../../../core/errors.js';
import { DEFAULT_FIELD_LIST, FIELD_LIST_PRESETS } from '../../../formats/fieldLists.js';

/** A preset name (see FIELD_LIST_PRESETS) or an explicit list → the field list. */
export function resolveFieldList(fields: string | readonly string[] | undefined): readonly string[] {
  if (fields === undefined) return FIELD_LIST_PRESETS[DEFAULT_FIELD_LIST]!;
  if (typeof fields !== 'string') return fields;
  const list = FIELD_LIST_PRESETS[fields];
  if (list === undefined) {
    throw new ConfigError(`unknown field list preset ${JSON.stringify(fields)}; expected one of ${Object.keys(FIELD_LIST_PRESETS).join(', ')} or a list of field names`);
  }
  return list;
}
