// Emits src/pdata/generated/json-decode.ts: one reader per message from a parsed OTLP/JSON
// value to the model, following the protobuf JSON mapping as OTLP/JSON uses it: lowerCamelCase
// or the proto's snake_case names, 64-bit integers as strings or numbers, enums as numbers or
// names, ids as hex, bytes as base64; unknown keys are ignored. Oneofs: the first member
// present (in declaration order) is taken.
import { header, importLine, objectLiteral, undefinedWhenAbsent } from './emit-util.ts';
import type { EnumDef, Field, Message, Table } from './table.ts';

const enumConst = (e: EnumDef): string => `${e.name}_NAMES`;
const enumReader = (e: EnumDef): string => `read${e.name}`;

/** A `(value, field) => T` reader for one value of a scalar field. */
function scalarReader(f: Field): string {
  switch (f.repr) {
    case 'string':
    case 'key':
      return 'str';
    case 'bytes':
      return 'base64';
    case 'hex16':
      return 'traceIdOf';
    case 'hex8':
      return 'spanIdOf';
    case 'bool':
      return 'bool';
    case 'int32':
    case 'sint32':
      return 'i32';
    case 'uint32':
    case 'fixed32':
      return 'u32';
    case 'enum':
      return enumReader(f.enumDef!);
    case 'fixed64':
      return 'u64';
    case 'fixed64n':
    case 'uint64n':
      return 'u64Number';
    case 'sfixed64':
    case 'int64':
      return 'i64';
    case 'int64n':
      return 'i64Number';
    case 'double':
      return 'dbl';
    default:
      throw new Error(`no JSON reader for ${f.owner.key}.${f.name}`);
  }
}

/** The expression of the field's raw JSON value in object `o`. */
function rawValue(f: Field): string {
  return f.json === f.name ? `o.${f.json}` : `get(o, '${f.json}', '${f.name}')`;
}

/** The expression reading field `f` from object `o` (for a field without presence). */
function readField(f: Field): string {
  const x = rawValue(f);
  if (f.repeated) return f.message !== undefined ? `list(${x}, '${f.json}', read${f.message.fn})` : `values(${x}, '${f.json}', ${scalarReader(f)})`;
  if (f.message !== undefined) {
    const read = `sub(${x}, '${f.json}', read${f.message.fn})`;
    return undefinedWhenAbsent(f) ? read : `${read} ?? new${f.message.fn}()`;
  }
  if (undefinedWhenAbsent(f)) return `optional(${x}, '${f.json}', ${scalarReader(f)})`;
  if (f.repr === 'bytes') throw new Error(`${f.owner.key}.${f.name}: a bytes field without presence has no JSON reader`);
  return `${scalarReader(f)}(${x}, '${f.json}')`;
}

function emitSparse(m: Message, out: string[]): void {
  out.push(`/** ${m.fullName}: the first member present, alone. */`);
  out.push(`export function read${m.fn}(v: unknown): ${m.ts} {`, '  const o = asObj(v);', '  let x: unknown;');
  for (const f of m.fields) {
    const x = f.json === f.name ? `o.${f.json}` : `get(o, '${f.json}', '${f.name}')`;
    const value = f.message !== undefined ? `sub(x, '${f.json}', read${f.message.fn})!` : `${scalarReader(f)}(x, '${f.json}')`;
    out.push(`  if ((x = ${x}) != null) return { ${f.prop}: ${value} };`);
  }
  out.push('  return {};', '}', '');
}

function emitMessage(m: Message, out: string[]): void {
  if (m.sparse) return emitSparse(m, out);
  out.push(`/** ${m.fullName} */`);
  out.push(`export function read${m.fn}(v: unknown): ${m.ts} {`);
  if (m.depth) out.push('  enter();', '  try {');
  const ind = m.depth ? '    ' : '  ';
  out.push(`${ind}const o = asObj(v);`);
  // Oneof members first, in declaration order: a member is read only when no earlier one is present.
  for (const [, members] of m.oneofs) {
    const before: string[] = [];
    for (const f of members) {
      const read = f.message !== undefined ? `sub(${rawValue(f)}, '${f.json}', read${f.message.fn})` : `optional(${rawValue(f)}, '${f.json}', ${scalarReader(f)})`;
      const cond = before.map((b) => `${b} === undefined`).join(' && ');
      out.push(`${ind}const ${f.prop} = ${cond === '' ? read : `${cond} ? ${read} : undefined`};`);
      before.push(f.prop);
    }
  }
  const props = m.fields.map((f) => (f.oneof !== undefined ? f.prop : `${f.prop}: ${readField(f)}`));
  out.push(...objectLiteral(`${ind}return `, props, ';'));
  if (m.depth) out.push('  } finally {', '    leave();', '  }');
  out.push('}', '');
}

export function emitJsonDecode(t: Table): string {
  const types = new Set<string>();
  const news = new Set<string>();
  for (const m of t.messages) {
    for (const id of m.ts.match(/\b[A-Z]\w*/g) ?? []) types.add(id);
    for (const f of m.fields) if (f.message !== undefined && !f.repeated && !undefinedWhenAbsent(f)) news.add(`new${f.message.fn}`);
  }
  const out: string[] = [
    header(t, 'OTLP/JSON readers: a parsed JSON value to the model of src/pdata/types.ts. A failure is a PathFail\n' + 'naming the JSON path; json/index.ts turns it into a DecodeError.'),
    "import { asObj, enter, get, leave, list, optional, sub, values } from '../json/read.ts';",
    "import { base64, bool, dbl, enumValue, hexId, i32, i64, str, u32, u64, u64Number } from '../json/scalars.ts';",
    importLine([...types], '../types.ts', true),
    importLine([...news], './defaults.ts'),
    '',
    'const traceIdOf = (v: unknown, field: string): string => hexId(v, field, 16);',
    'const spanIdOf = (v: unknown, field: string): string => hexId(v, field, 8);',
    'const i64Number = (v: unknown, field: string): number => Number(i64(v, field));',
    '',
  ];
  for (const e of t.enums) {
    out.push(`/** ${e.fullName} by name. */`);
    out.push(`export const ${enumConst(e)}: Readonly<Record<string, number>> = {`);
    for (const v of e.values) out.push(`  ${v.name}: ${v.number},`);
    out.push('};');
    out.push(`const ${enumReader(e)} = (v: unknown, field: string): number => enumValue(v, field, ${enumConst(e)});`, '');
  }
  for (const m of t.messages) emitMessage(m, out);
  return out.join('\n');
}
