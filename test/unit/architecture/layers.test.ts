import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImports, importsOf, type Rule } from './import-graph.ts';

// Dependencies point inward (DESIGN.md, Layout): the engine and the daemon's own telemetry
// know no component; shared helpers know no component; a component knows the shared modules
// and its own folder, never another component's folder.

const COMPONENTS = ['receivers/', 'processors/', 'exporters/', 'connectors/', 'extensions/', 'security/'];
/** The CLI and the one file that registers every built-in factory sit on top of everything. */
const TOP = ['cli/', 'builtin-components.ts'];
/** Modules any component may import. */
const SHARED = ['pipeline/', 'pdata/', 'config/', 'telemetry/', 'prom/', 'net/', 'match/', 'kafka/', 'actions/'];

const RULES: Rule[] = [
  { name: 'the engine (pipeline/) imports no component, no security, no CLI', from: '^pipeline/', forbid: [...COMPONENTS, ...TOP] },
  { name: 'self-telemetry (telemetry/) imports no component', from: '^telemetry/', forbid: [...COMPONENTS, ...TOP] },
  { name: 'shared helpers import no component', from: '^(prom|net|match|pdata|config|kafka|actions)/', forbid: [...COMPONENTS, ...TOP] },
  { name: 'a component imports only its own folder and the shared modules', from: '^(receivers|processors|connectors|extensions)/[^/]+/', allowOnly: ['$own', ...SHARED] },
  { name: 'an exporter imports only its own folder, the shared modules and the exporter helper', from: '^exporters/[^/]+/', allowOnly: ['$own', ...SHARED, 'exporters/helper/'] },
  { name: 'security/ imports only itself and the shared modules', from: '^security/', allowOnly: ['$own', ...SHARED] },
  { name: 'pipeline tests (pipetest/) import only themselves and the shared modules', from: '^pipetest/', allowOnly: ['$own', ...SHARED] },
];

const SRC = resolve(import.meta.dirname, '../../../src');

describe('import layering', () => {
  it('src/ breaks no rule', () => {
    expect(checkImports(SRC, RULES)).toEqual([]);
  });

  describe('the checker', () => {
    const root = mkdtempSync(join(tmpdir(), 'genrf-layers-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write(
      'pipeline/graph.ts',
      [
        "import type { Signal } from '../pdata/types.ts';",
        "import { guard } from '../security/guard.ts';",
        'import {',
        '  otlpReceiverFactory,',
        "} from '../receivers/otlp/factory.ts';",
        "export { createRegistry } from '../builtin-components.ts';",
        "const late = await import('../cli/main.ts');",
      ].join('\n'),
    );
    write(
      'receivers/otlp/receiver.ts',
      [
        "import { listen } from '../../net/listen.ts';",
        "import { decode } from './decode.ts';",
        "import { ExportError } from '../../exporters/helper/export-error.ts';",
        "import '../kafka/config.ts';",
      ].join('\n'),
    );
    write(
      'exporters/jaeger/exporter.ts',
      [
        "import { OtlpSender } from '../helper/otlp-sender.ts';",
        "import { grpcTransport } from '../otlp/otlp-exporter.ts';",
        "import pkg from '../../../package.json' with { type: 'json' };",
        "import { z } from 'zod';",
      ].join('\n'),
    );
    write('telemetry/metrics.ts', "import { render } from '../exporters/prometheus/exposition.ts';\n");
    write('net/retry.ts', "import type { HelperConfig } from '../exporters/helper/config.ts';\n// import { x } from '../receivers/otlp/x.ts' is only a comment\n");

    it('catches every forbidden import, with its file, line and rule', () => {
      const found = checkImports(root, RULES)
        .map((v) => `${v.file}:${v.line} -> ${v.target}`)
        .sort();
      expect(found).toEqual([
        'exporters/jaeger/exporter.ts:2 -> exporters/otlp/otlp-exporter.ts',
        'net/retry.ts:1 -> exporters/helper/config.ts',
        'pipeline/graph.ts:2 -> security/guard.ts',
        'pipeline/graph.ts:5 -> receivers/otlp/factory.ts',
        'pipeline/graph.ts:6 -> builtin-components.ts',
        'pipeline/graph.ts:7 -> cli/main.ts',
        'receivers/otlp/receiver.ts:3 -> exporters/helper/export-error.ts',
        'receivers/otlp/receiver.ts:4 -> receivers/kafka/config.ts',
        'telemetry/metrics.ts:1 -> exporters/prometheus/exposition.ts',
      ]);
      const rule = checkImports(root, RULES).find((v) => v.file === 'telemetry/metrics.ts')!.rule;
      expect(rule).toBe('self-telemetry (telemetry/) imports no component');
    });

    it('reads multi-line, re-export, side-effect and dynamic imports, and skips packages', () => {
      expect(importsOf("import {\n  a,\n  b,\n} from './x.ts';\nexport * from \"../y.ts\";\nimport './z.ts';\nawait import('./w.ts');\nimport { z } from 'zod';\n")).toEqual([
        { specifier: './x.ts', line: 4 },
        { specifier: '../y.ts', line: 5 },
        { specifier: './z.ts', line: 6 },
        { specifier: './w.ts', line: 7 },
      ]);
    });
  });
});
