// A parser for the subset of the protobuf 3 language the OTLP .proto files use: syntax,
// package, import, option, message (nested), enum, oneof, repeated / optional fields with
// [options], reserved, and service blocks (skipped). Anything else is an error with its
// line, so a new construct in a later opentelemetry-proto release is noticed, not ignored.
// Why a hand parser and not protobufjs: see docs/decisions.md ("Generated OTLP codecs").

export interface ProtoField {
  name: string;
  number: number;
  /** A scalar type name (`string`, `fixed64` ...) or a message / enum reference as written. */
  type: string;
  repeated: boolean;
  /** proto3 `optional`: explicit presence. */
  optional: boolean;
  /** The oneof this field belongs to, if any. */
  oneof: string | undefined;
  /** `[packed = false]` on a repeated scalar; undefined when not given (proto3 packs by default). */
  packed: boolean | undefined;
}

export interface ProtoEnum {
  /** Full name, e.g. `opentelemetry.proto.trace.v1.Span.SpanKind`. */
  fullName: string;
  values: Array<{ name: string; number: number }>;
}

export interface ProtoMessage {
  /** Full name, e.g. `opentelemetry.proto.trace.v1.Span.Event`. */
  fullName: string;
  /** Fields in declaration order. */
  fields: ProtoField[];
}

export interface ProtoFile {
  path: string;
  package: string;
  imports: string[];
  messages: ProtoMessage[];
  enums: ProtoEnum[];
}

interface Token {
  text: string;
  line: number;
  /** True for a quoted string literal (text is its contents). */
  quoted: boolean;
}

function tokenize(src: string, path: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`${path}:${line}: unterminated comment`);
      for (let k = i; k < end; k++) if (src[k] === '\n') line++;
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out.push({ text: src.slice(i + 1, j), line, quoted: true });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z0-9_.+-]+/.exec(src.slice(i, i + 200));
    if (word !== null) {
      out.push({ text: word[0], line, quoted: false });
      i += word[0].length;
      continue;
    }
    if ('{}[]()<>;=,'.includes(c)) {
      out.push({ text: c, line, quoted: false });
      i++;
      continue;
    }
    throw new Error(`${path}:${line}: unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

class Parser {
  readonly #toks: Token[];
  readonly #path: string;
  #i = 0;

  constructor(src: string, path: string) {
    this.#toks = tokenize(src, path);
    this.#path = path;
  }

  get done(): boolean {
    return this.#i >= this.#toks.length;
  }

  fail(message: string): Error {
    const t = this.#toks[Math.min(this.#i, this.#toks.length - 1)];
    return new Error(`${this.#path}:${t?.line ?? 0}: ${message}`);
  }

  peek(): string {
    return this.#toks[this.#i]?.text ?? '';
  }

  next(): string {
    if (this.done) throw this.fail('unexpected end of file');
    return this.#toks[this.#i++].text;
  }

  expect(text: string): void {
    const got = this.next();
    if (got !== text) throw this.fail(`expected "${text}", got "${got}"`);
  }

  /** Skips to the end of a statement (`;`) or over a balanced `{...}` block. */
  skipStatement(): void {
    let depth = 0;
    for (;;) {
      const t = this.next();
      if (t === '{') depth++;
      else if (t === '}') {
        if (--depth <= 0) return;
      } else if (t === ';' && depth === 0) return;
    }
  }
}

function parseNumber(text: string, p: Parser): number {
  const n = /^0x/i.test(text) ? Number.parseInt(text, 16) : /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n)) throw p.fail(`expected an integer, got "${text}"`);
  return n;
}

/** Parses one .proto file's text. */
export function parseProto(src: string, path: string): ProtoFile {
  const p = new Parser(src, path);
  const file: ProtoFile = { path, package: '', imports: [], messages: [], enums: [] };
  while (!p.done) {
    const t = p.next();
    if (t === ';') continue;
    if (t === 'syntax') {
      p.expect('=');
      const v = p.next();
      if (v !== 'proto3') throw p.fail(`only proto3 is supported, got ${v}`);
      p.expect(';');
    } else if (t === 'package') {
      file.package = p.next();
      p.expect(';');
    } else if (t === 'import') {
      let v = p.next();
      if (v === 'public' || v === 'weak') v = p.next();
      file.imports.push(v);
      p.expect(';');
    } else if (t === 'option') p.skipStatement();
    else if (t === 'service') p.skipStatement();
    else if (t === 'message') parseMessage(p, file, file.package);
    else if (t === 'enum') parseEnum(p, file, file.package);
    else throw p.fail(`unexpected "${t}" at the top level`);
  }
  return file;
}

function parseMessage(p: Parser, file: ProtoFile, scope: string): void {
  const msg: ProtoMessage = { fullName: `${scope}.${p.next()}`, fields: [] };
  file.messages.push(msg);
  p.expect('{');
  parseBody(p, file, msg, undefined);
}

/** The body of a message or of a oneof inside it, up to and including its `}`. */
function parseBody(p: Parser, file: ProtoFile, msg: ProtoMessage, oneof: string | undefined): void {
  for (;;) {
    const t = p.next();
    if (t === '}') return;
    if (t === ';') continue;
    if (t === 'option' || t === 'reserved' || t === 'extensions') {
      p.skipStatement();
    } else if (t === 'message' && oneof === undefined) {
      parseMessage(p, file, msg.fullName);
    } else if (t === 'enum' && oneof === undefined) {
      parseEnum(p, file, msg.fullName);
    } else if (t === 'oneof' && oneof === undefined) {
      const name = p.next();
      p.expect('{');
      parseBody(p, file, msg, name);
    } else if (t === 'map' || t === 'group' || t === 'extend') {
      throw p.fail(`"${t}" is not supported by this generator`);
    } else {
      let label = t;
      let type = t;
      if (label === 'repeated' || label === 'optional') type = p.next();
      else label = '';
      if (oneof !== undefined && label !== '') throw p.fail(`a oneof member cannot be ${label}`);
      const name = p.next();
      p.expect('=');
      const number = parseNumber(p.next(), p);
      let packed: boolean | undefined;
      if (p.peek() === '[') {
        p.next();
        for (;;) {
          const key = p.next();
          p.expect('=');
          const value = p.next();
          if (key === 'packed') packed = value === 'true';
          const sep = p.next();
          if (sep === ']') break;
          if (sep !== ',') throw p.fail(`expected "," or "]" in field options, got "${sep}"`);
        }
      }
      p.expect(';');
      msg.fields.push({ name, number, type, repeated: label === 'repeated', optional: label === 'optional', oneof, packed });
    }
  }
}

function parseEnum(p: Parser, file: ProtoFile, scope: string): void {
  const e: ProtoEnum = { fullName: `${scope}.${p.next()}`, values: [] };
  file.enums.push(e);
  p.expect('{');
  for (;;) {
    const t = p.next();
    if (t === '}') return;
    if (t === ';') continue;
    if (t === 'option' || t === 'reserved') {
      p.skipStatement();
      continue;
    }
    p.expect('=');
    const number = parseNumber(p.next(), p);
    if (p.peek() === '[') while (p.next() !== ']');
    p.expect(';');
    e.values.push({ name: t, number });
  }
}
