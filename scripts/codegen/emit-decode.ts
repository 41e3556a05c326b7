// Emits src/pdata/generated/proto-decode.ts: one function per message that reads it from a
// Reader into the model. Fields are gathered in locals and the object is built once at the
// end, with every property in declaration order, so that all objects of a type share a shape.
import { emptyValue } from './emit-defaults.ts';
import { describe, fieldType, header, importLine, namesConst, objectLiteral, segmentThrow, undefinedWhenAbsent } from './emit-util.ts';
import type { Field, Message, Table } from './table.ts';

/** The Reader call that reads one value of a scalar field. */
export function readScalar(f: Field): string {
  switch (f.repr) {
    case 'string':
      return 'r.string()';
    case 'key':
      return 'r.key()';
    case 'bytes':
      return 'r.bytes()';
    case 'hex16':
    case 'hex8':
      return 'r.hexId()';
    case 'bool':
      return 'r.bool()';
    case 'int32':
    case 'enum':
      return 'r.int32()';
    case 'uint32':
      return 'r.uint32()';
    case 'sint32':
      return 'r.sint32()';
    case 'fixed32':
      return 'r.fixed32()';
    case 'fixed64':
      return 'r.fixed64()';
    case 'fixed64n':
      return 'r.fixed64Number()';
    case 'sfixed64':
      return 'r.sfixed64()';
    case 'int64':
      return 'r.int64()';
    case 'int64n':
      return 'Number(r.int64())';
    case 'uint64n':
      return 'r.uint64Number()';
    case 'double':
      return 'r.double()';
    default:
      throw new Error(`no reader for ${f.owner.key}.${f.name}`);
  }
}

/** The statement that reads a packed repeated field into its local array. */
function readPacked(f: Field): string {
  const read = readScalar(f);
  if (f.wire === 0) return `{ const e = r.end(); while (r.pos < e) ${f.prop}.push(${read}); r.checkEnd(e); }`;
  return `{ const e = r.packedEnd(${f.wire === 1 ? 8 : 4}); while (r.pos < e) ${f.prop}.push(${read}); }`;
}

/** A local's name: the property, or `x_<prop>` where the property would shadow something. */
const local = (f: Field): string => (['r', 'end', 'field', 'tag', 'e'].includes(f.prop) ? `x_${f.prop}` : f.prop);

function emitSparse(m: Message, out: string[]): void {
  out.push(`/** ${m.fullName}: only the member that is set (the last one on the wire). */`);
  out.push(`export function decode${m.fn}(r: Reader, end: number): ${m.ts} {`);
  out.push(`  let out: ${m.ts} | undefined;`, '  let field = 0;', '  try {', '    while (r.pos < end) {');
  out.push('      const tag = r.tag();', '      field = tag >>> 3;', '      switch (tag) {');
  for (const f of m.byNumber) {
    out.push(`        case ${f.tag}: // ${describe(f)}`);
    const value = f.message !== undefined ? `decode${f.message.fn}(r, r.end())` : readScalar(f);
    out.push(`          out = { ${f.prop}: ${value} };`, '          break;');
  }
  out.push('        default:', '          r.skip(tag & 7, field);', '      }', '    }', '    r.checkEnd(end);', '  } catch (e) {');
  out.push(`    throw withSegment(e, tagFailed(e) ? '' : fieldName(${namesConst(m)}, field));`, '  }', '  return out ?? {};', '}', '');
}

function emitMessage(m: Message, out: string[]): void {
  if (m.sparse) return emitSparse(m, out);
  out.push(`/** ${m.fullName} */`);
  out.push(`export function decode${m.fn}(r: Reader, end: number): ${m.ts} {`);
  if (m.depth) out.push('  r.enter();');
  out.push('  let field = 0;');
  for (const f of m.fields) {
    if (f.repeated) out.push(`  const ${local(f)}: ${fieldType(f)} = [];`);
    else if (f.message !== undefined && !undefinedWhenAbsent(f)) out.push(`  let ${local(f)}: ${f.message.ts} | undefined;`);
    else if (undefinedWhenAbsent(f)) out.push(`  let ${local(f)}: ${fieldType(f)};`);
    else out.push(`  let ${local(f)} = ${emptyValue(f)};`);
  }
  out.push('  try {', '    while (r.pos < end) {', '      const tag = r.tag();', '      field = tag >>> 3;', '      switch (tag) {');
  for (const f of m.byNumber) {
    out.push(`        case ${f.tag}: // ${describe(f)}`);
    const value = f.message !== undefined ? `decode${f.message.fn}(r, r.end())` : readScalar(f);
    if (f.repeated) out.push(`          ${local(f)}.push(${value});`);
    else out.push(`          ${local(f)} = ${value};`);
    // A oneof member that is set clears the others: the last one on the wire wins.
    if (f.oneof !== undefined) for (const o of m.oneofs.get(f.oneof)!) if (o !== f) out.push(`          ${local(o)} = undefined;`);
    out.push('          break;');
    if (f.packedTag !== undefined) {
      out.push(`        case ${f.packedTag}: // ${f.number} ${f.name}, packed`, `          ${readPacked({ ...f, prop: local(f) })}`, '          break;');
    }
  }
  out.push('        default:', '          r.skip(tag & 7, field);', '      }', '    }', '    r.checkEnd(end);', '  } catch (e) {');
  const cases = m.byNumber.filter((f) => f.repeated && f.message !== undefined).map((f) => `field === ${f.number} ? segment('${f.name}', ${local(f)}.length)`);
  out.push(...segmentThrow(cases, `fieldName(${namesConst(m)}, field)`), '  }');
  if (m.depth) out.push('  r.depth--;');
  const props = m.fields.map((f) => {
    const v = local(f);
    const value = f.message !== undefined && !f.repeated && !undefinedWhenAbsent(f) ? `${v} ?? new${f.message.fn}()` : v;
    return value === f.prop ? f.prop : `${f.prop}: ${value}`;
  });
  out.push(...objectLiteral('  return ', props, ';'), '}', '');
}

export function emitDecode(t: Table): string {
  const types = new Set<string>();
  const news = new Set<string>();
  for (const m of t.messages) {
    for (const id of m.ts.match(/\b[A-Z]\w*/g) ?? []) types.add(id);
    for (const f of m.fields) if (f.message !== undefined && !f.repeated && !undefinedWhenAbsent(f) && !m.sparse) news.add(`new${f.message.fn}`);
  }
  const out: string[] = [
    header(
      t,
      'Protobuf decoders: the wire format to the model of src/pdata/types.ts (ids as hex, 64-bit times as\n' +
        'bigint). A failure is a PathFail naming the field; proto/index.ts turns it into a DecodeError.',
    ),
    "import { fieldName, segment, tagFailed, withSegment } from '../decode-path.ts';",
    "import type { Reader } from '../proto/reader.ts';",
    importLine([...types], '../types.ts', true),
    importLine([...news], './defaults.ts'),
    importLine(t.messages.map(namesConst), './fields.ts'),
    '',
  ];
  for (const m of t.messages) emitMessage(m, out);
  return out.join('\n');
}
