import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Issue 15: a daemon pays in resident memory for every library it imports (Kafka ~40 MiB,
// Elasticsearch ~20, jose ~15). These are imported when a component that needs them starts,
// so a pipeline without them never loads them. Checked in a fresh process, whose module
// resolutions a hook records, from the registry through a full load-and-build of a config.

const SRC = resolve(import.meta.dirname, '../../../src');
const LAZY = ['@platformatic/kafka', '@elastic/elasticsearch', 'jose', 'bcryptjs'];
const dir = mkdtempSync(join(tmpdir(), 'lazy-libs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bare specifiers resolved while loading the registry and building `yaml`. */
function specifiersLoadedFor(yaml: string): string[] {
  return specifiersLoadedBy(loadAndBuildScript(yaml));
}

/** A script that loads the registry and builds `yaml` as `run` does before it starts anything. */
function loadAndBuildScript(yaml: string): string {
  const config = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(config, yaml);
  return `
    const { createRegistry } = await import(${JSON.stringify(pathToFileURL(join(SRC, 'builtin-components.ts')).href)});
    const { loadAndBuild } = await import(${JSON.stringify(pathToFileURL(join(SRC, 'pipeline/load.ts')).href)});
    const loaded = await loadAndBuild([${JSON.stringify(config)}], { registry: createRegistry() });
    if (loaded.errors > 0) throw new Error(JSON.stringify(loaded.diagnostics));`;
}

/** The bare specifiers resolved while a fresh process runs `body` (an ES module's top level). */
function specifiersLoadedBy(body: string): string[] {
  return loadedBy(body).filter((s) => !s.startsWith('.') && !s.startsWith('file:'));
}

/** Every specifier resolved while a fresh process runs `body`, with our own modules as paths below src/. */
function loadedBy(body: string): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.add(r.url.startsWith(${JSON.stringify(pathToFileURL(SRC).href)}) ? r.url.slice(${pathToFileURL(SRC).href.length + 1}) : spec); return r; } });
    ${body}
    process.stdout.write(JSON.stringify([...seen]));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

const PASS_THROUGH = `
receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } } }
processors: { batch: {} }
exporters: { otlp: { endpoint: http://127.0.0.1:4317 } }
service: { pipelines: { traces: { receivers: [otlp], processors: [batch], exporters: [otlp] } } }
`;

describe('component implementations loaded on demand', () => {
  // Each factory is a description; its implementation (and what that imports) loads when a
  // config names the component (src/pipeline/lazy.ts). Measured on an idle pass-through
  // daemon: V8 heap in use 24.8 -> 22.7 MiB, RSS 100 -> 95 MiB (docs/decisions.md).
  it('a pass-through pipeline imports the code of its own components and of no other', () => {
    const ours = loadedBy(loadAndBuildScript(PASS_THROUGH)).filter((s) => s.endsWith('.ts'));
    for (const used of ['receivers/otlp/receiver.ts', 'processors/batch/processor.ts', 'exporters/otlp/otlp-exporter.ts']) expect(ours).toContain(used);
    const unused = [
      'receivers/kafka/',
      'exporters/kafka/',
      'exporters/elasticsearch/',
      'exporters/jaeger/',
      'exporters/prometheus/',
      'exporters/file/',
      'processors/redaction/',
      'connectors/spanmetrics/',
      'extensions/status/',
      'extensions/file_storage/',
      'extensions/oidc/',
    ];
    const implementations = ours.filter((s) => unused.some((u) => s.startsWith(u)) && !s.endsWith('/factory.ts') && !s.endsWith('/config.ts'));
    expect(implementations).toEqual([]);
  });

  it('a config that names a component imports its implementation', () => {
    const ours = loadedBy(
      loadAndBuildScript(`
receivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } } }
processors: { redaction: {} }
exporters: { file: { path: ${JSON.stringify(join(dir, 'out.jsonl'))} } }
service: { pipelines: { logs: { receivers: [otlp], processors: [redaction], exporters: [file] } } }
`),
    );
    expect(ours).toContain('processors/redaction/processor.ts');
    expect(ours).toContain('exporters/file/file-exporter.ts');
    expect(ours.some((s) => s.startsWith('receivers/kafka/') && !s.endsWith('factory.ts') && !s.endsWith('config.ts'))).toBe(false);
  });
});

describe('libraries loaded on demand', () => {
  it('an OTLP pass-through pipeline loads no Kafka, Elasticsearch or authenticator library', () => {
    const seen = specifiersLoadedFor(PASS_THROUGH);
    for (const lib of LAZY) expect(seen, `${lib} was imported`).not.toContain(lib);
    // OTLP/gRPC runs on node:http2 both ways: no gRPC library at all (grpc-js cost ~17 MiB resident).
    expect(seen).not.toContain('@grpc/grpc-js');
  });

  // The OTLP receiver's gRPC server runs on node:http2 (grpc-js cost ~17 MiB resident), also
  // while it serves calls.
  it('the OTLP/gRPC receiver, started and serving, loads no gRPC library', () => {
    const seen = specifiersLoadedBy(`
    const { otlpReceiverFactory } = await import(${JSON.stringify(pathToFileURL(join(SRC, 'receivers/otlp/factory.ts')).href)});
    const { testSettings } = await import(${JSON.stringify(pathToFileURL(resolve(import.meta.dirname, '../../helpers/settings.ts')).href)});
    const config = otlpReceiverFactory.config.parse({ protocols: { grpc: { endpoint: '127.0.0.1:0' } } });
    await otlpReceiverFactory.load();
    const r = otlpReceiverFactory.create(testSettings('otlp'), config, { traces: { mutates: false, consume: async () => {} } });
    await r.start({ components: () => [] });
    await r.shutdown();`);
    expect(seen).toContain('node:http2');
    expect(seen).not.toContain('@grpc/grpc-js');
  });

  it('building a pipeline with Kafka, Elasticsearch and both authenticators still imports none of them (they load at start)', () => {
    const seen = specifiersLoadedFor(`
extensions:
  basicauth: { htpasswd: { inline: "u:$2b$04$abcdefghijklmnopqrstuuJ0yq3rHq6C0Xf0mVbL0mJm0CwYxnJbO" } }
  oidc: { issuer_url: https://issuer.example, audience: a }
receivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:0, auth: { authenticator: basicauth } } } } }
exporters:
  kafka: { brokers: [127.0.0.1:9092] }
  elasticsearch: { endpoints: [http://127.0.0.1:9200] }
service:
  extensions: [basicauth, oidc]
  pipelines:
    logs: { receivers: [otlp], exporters: [kafka, elasticsearch] }
`);
    for (const lib of LAZY) expect(seen, `${lib} was imported`).not.toContain(lib);
  });
});
