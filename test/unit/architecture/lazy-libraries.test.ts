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
  const config = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(config, yaml);
  return specifiersLoadedBy(`
    const { createRegistry } = await import(${JSON.stringify(pathToFileURL(join(SRC, 'builtin-components.ts')).href)});
    const { loadAndBuild } = await import(${JSON.stringify(pathToFileURL(join(SRC, 'pipeline/load.ts')).href)});
    const loaded = loadAndBuild([${JSON.stringify(config)}], { registry: createRegistry() });
    if (loaded.errors > 0) throw new Error(JSON.stringify(loaded.diagnostics));`);
}

/** The bare specifiers resolved while a fresh process runs `body` (an ES module's top level). */
function specifiersLoadedBy(body: string): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(spec, ctx, next) { if (!spec.startsWith('.') && !spec.startsWith('file:')) seen.add(spec); return next(spec, ctx); } });
    ${body}
    process.stdout.write(JSON.stringify([...seen]));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

describe('libraries loaded on demand', () => {
  it('an OTLP pass-through pipeline loads no Kafka, Elasticsearch or authenticator library', () => {
    const seen = specifiersLoadedFor(`
receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } } }
processors: { batch: {} }
exporters: { otlp: { endpoint: http://127.0.0.1:4317 } }
service: { pipelines: { traces: { receivers: [otlp], processors: [batch], exporters: [otlp] } } }
`);
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
