// Emits src/pdata/generated/proto-scan.ts: the validating scan. It walks every nested message
// as the decoder does (same tags, same skipping of unknown fields, same depth limit, same
// errors) and also checks what the decoder is lenient about (UTF-8 in string fields, id
// lengths), but builds nothing: it returns the number of items.
import { counterOf, describe, header, importLine, namesConst, segmentThrow } from './emit-util.ts';
import { reachable, REQUEST_ROOTS, WIRE_I32, WIRE_I64, WIRE_VARINT, type Field, type Message, type Table } from './table.ts';

function skipScalar(f: Field): string {
  switch (f.repr) {
    case 'string':
    case 'key':
      return 'r.skipString();';
    case 'bytes':
      return 'r.skipBytes();';
    case 'hex16':
      return 'r.skipId(16);';
    case 'hex8':
      return 'r.skipId(8);';
    default:
      if (f.wire === WIRE_VARINT) return 'r.skipVarint();';
      if (f.wire === WIRE_I64) return 'r.skip64();';
      if (f.wire === WIRE_I32) return 'r.skip32();';
      throw new Error(`no scan for ${f.owner.key}.${f.name}`);
  }
}

function skipPacked(f: Field): string {
  if (f.wire === WIRE_VARINT) return 'r.skipPackedVarints();';
  if (f.wire === WIRE_I64) return 'r.skipPacked(8);';
  return 'r.skipPacked(4);';
}

function returnType(m: Message): string {
  return m.counts ? 'number' : 'void';
}

/**
 * Where the count of a singular message field that holds items goes: a later occurrence
 * replaces an earlier one (as in the decoder), so it is kept in a slot added at the end; the
 * members of a oneof share one slot.
 */
function slotOf(f: Field): string {
  return f.oneof !== undefined ? `oneof_${f.oneof}` : `slot${f.number}`;
}

function emitMessage(m: Message, out: string[]): void {
  const counted = m.byNumber.filter((f) => f.repeated && f.message !== undefined);
  const slots = [...new Set(m.byNumber.filter((f) => !f.repeated && f.message?.counts === true).map(slotOf))];
  out.push(`/** ${m.fullName}${m.counts ? ': returns the items inside' : ''}. */`);
  out.push(`export function scan${m.fn}(r: Reader, end: number): ${returnType(m)} {`);
  if (m.depth) out.push('  r.enter();');
  out.push('  let field = 0;');
  if (m.counts) out.push('  let items = 0;');
  for (const s of slots) out.push(`  let ${s} = 0;`);
  for (const f of counted) out.push(`  let ${counterOf(f)} = 0;`);
  out.push('  try {');
  out.push('    while (r.pos < end) {');
  out.push('      const tag = r.tag();');
  out.push('      field = tag >>> 3;');
  out.push('      switch (tag) {');
  for (const f of m.byNumber) {
    out.push(`        case ${f.tag}: // ${describe(f)}`);
    if (f.message !== undefined) {
      const call = `scan${f.message.fn}(r, r.end())`;
      // Each item is checked against the reader's budget, so a request of millions of tiny
      // items stops being read at the limit instead of being walked to its end.
      if (f.item) out.push(`          ${call};`, '          if (--r.itemsLeft < 0) throw r.tooManyItems();', '          items++;');
      else if (!f.message.counts) out.push(`          ${call};`);
      else if (f.repeated) out.push(`          items += ${call};`);
      else {
        // A later member of the oneof (or a repeated occurrence) replaces this one.
        out.push(`          ${slotOf(f)} = ${call};`);
      }
      if (f.repeated) out.push(`          ${counterOf(f)}++;`);
      out.push('          break;');
    } else {
      out.push(`          ${skipScalar(f)}`);
      out.push('          break;');
      if (f.packedTag !== undefined) {
        out.push(`        case ${f.packedTag}: // ${f.number} ${f.name}, packed`);
        out.push(`          ${skipPacked(f)}`);
        out.push('          break;');
      }
    }
  }
  out.push('        default:');
  out.push('          r.skip(tag & 7, field);');
  out.push('      }');
  out.push('    }');
  out.push('    r.checkEnd(end);');
  out.push('  } catch (e) {');
  out.push(
    ...segmentThrow(
      counted.map((f) => `field === ${f.number} ? segment('${f.name}', ${counterOf(f)})`),
      `fieldName(${namesConst(m)}, field)`,
    ),
  );
  out.push('  }');
  if (m.depth) out.push('  r.depth--;');
  if (m.counts) out.push(`  return ${['items', ...slots].join(' + ')};`);
  out.push('}');
  out.push('');
}

export function emitScan(t: Table): string {
  const messages = reachable(t, REQUEST_ROOTS);
  const out: string[] = [
    header(
      t,
      'The validating scan of OTLP protobuf requests: checks every nested message (wire types, lengths,\n' +
        'UTF-8 in string fields, id lengths, the AnyValue depth limit) without building anything, and\n' +
        'counts the items. Whatever it accepts, the decoder (proto-decode.ts) decodes.',
    ),
    "import { fieldName, segment, tagFailed, withSegment } from '../decode-path.ts';",
    "import type { Reader } from '../proto/reader.ts';",
    importLine(messages.map(namesConst), './fields.ts'),
    '',
  ];
  for (const m of messages) emitMessage(m, out);
  return out.join('\n');
}
