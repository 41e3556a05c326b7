// The generated codecs are up to date with the generator and the vendored .proto files, and the
// generator's hand parser reads those files as protobufjs (a full .proto parser, here only as a
// referee) does.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stale } from '../../../scripts/codegen.ts';
import { loadTable } from '../../../scripts/codegen/table.ts';
import { parseProto } from '../../../scripts/codegen/proto-parser.ts';
import { PROTO_DIR, PROTO_FILES } from '../../../scripts/codegen/model.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('generated codecs', () => {
  it('are what `npm run codegen` writes (run it after changing the generator or the .proto files)', () => {
    expect(stale(ROOT)).toEqual([]);
  });

  it('come from the vendored release named in VERSION, with its LICENSE', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(ROOT, PROTO_DIR, 'VERSION'), 'utf8')).toMatch(/^v\d+\.\d+\.\d+ [0-9a-f]{40}\n$/);
    expect(readFileSync(join(ROOT, PROTO_DIR, 'LICENSE'), 'utf8')).toContain('Apache License');
  });
});

describe('the .proto parser', () => {
  it('reads every message of the vendored files as protobufjs does', () => {
    // protobufjs is installed with @grpc/grpc-js (through @grpc/proto-loader); not a dependency of ours.
    const pb = createRequire(createRequire(import.meta.url).resolve('@grpc/proto-loader'))('protobufjs');
    const root = new pb.Root();
    root.resolvePath = (_origin: string, target: string) => join(ROOT, PROTO_DIR, target);
    root.loadSync(PROTO_FILES, { keepCase: true });
    root.resolveAll();
    const table = loadTable(ROOT);
    expect(table.messages.length).toBeGreaterThan(30);
    for (const m of table.messages) {
      const ref = root.lookupType(m.fullName);
      const theirs = ref.fieldsArray.map((f: any) => ({
        // eslint-disable-line @typescript-eslint/no-explicit-any
        name: f.name,
        number: f.id,
        repeated: f.repeated,
        type: f.resolvedType ? f.resolvedType.fullName.slice(1) : f.type,
        oneof: f.partOf && !f.partOf.name.startsWith('_') ? f.partOf.name : undefined,
        optional: f.partOf?.name === `_${f.name}`,
      }));
      const ours = m.fields.map((f) => ({ name: f.name, number: f.number, repeated: f.repeated, type: f.protoType, oneof: f.oneof, optional: f.optional }));
      expect(ours, m.fullName).toEqual(theirs);
    }
  });

  it('reports what it does not support with the file and line', () => {
    expect(() => parseProto('syntax = "proto3";\nmessage A {\n  map<string, int32> m = 1;\n}\n', 'a.proto')).toThrow(/a\.proto:3: "map" is not supported/);
    expect(() => parseProto('syntax = "proto2";', 'b.proto')).toThrow(/b\.proto:1: only proto3/);
    expect(() => parseProto('syntax = "proto3";\nmessage A { string s = x; }', 'c.proto')).toThrow(/c\.proto:2: expected an integer/);
  });
});
