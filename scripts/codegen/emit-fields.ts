// Emits src/pdata/generated/fields.ts: field names by number, for error paths.
import { header, namesArray, namesConst } from './emit-util.ts';
import type { Table } from './table.ts';

export function emitFields(t: Table): string {
  const out = [header(t, 'Field names by field number, for the error paths of the protobuf codec (`spans[3].name`).')];
  for (const m of t.messages) out.push(`/** ${m.fullName} */`, `export const ${namesConst(m)}: readonly string[] = ${namesArray(m, false)};`, '');
  return out.join('\n');
}
