// pipelines/default.yaml as shipped (ports swapped for free ones): logs of the genrf.security
// logger and its children go, scrubbed, to security.jsonl only; everything else to genrf.jsonl
// only. And `validate` refuses each way of leaking them, naming the path and the line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, freePort, runCli, tempDir, untilRunning } from './helpers/daemon.ts';
import { metricValue, postOtlp, readJsonLines, scrape, waitForRecords } from './helpers/otlp.ts';

const ROOT = resolve(import.meta.dirname, '../..');

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function request(scopes: Record<string, string[]>): Json {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genrf-worker' } }] },
        scopeLogs: Object.entries(scopes).map(([name, bodies]) => ({
          scope: { name },
          logRecords: bodies.map((b) => ({ timeUnixNano: '1700000000000000000', severityNumber: 9, severityText: 'INFO', body: { stringValue: b } })),
        })),
      },
    ],
  };
}

/** [scope name, body, deployment.environment] of every record in a file. */
function records(lines: Json[]): Array<[string, string, string | undefined]> {
  return lines.flatMap((l: Json) =>
    l.resourceLogs.flatMap((rl: Json) => {
      const env = rl.resource?.attributes?.find((a: Json) => a.key === 'deployment.environment')?.value?.stringValue;
      return rl.scopeLogs.flatMap((sl: Json) => sl.logRecords.map((r: Json) => [sl.scope?.name ?? '', r.body?.stringValue ?? '', env]));
    }),
  );
}

describe('pipelines/default.yaml: security logs are separated', () => {
  it('genrf.security and genrf.security.* only in security.jsonl (scrubbed), the rest only in genrf.jsonl', async () => {
    const data = await tempDir();
    const [grpc, http, health, metrics, prom] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const yaml = readFileSync(join(ROOT, 'pipelines/default.yaml'), 'utf8')
      .replaceAll('127.0.0.1:4317', `127.0.0.1:${grpc}`)
      .replaceAll('127.0.0.1:4318', `127.0.0.1:${http}`)
      .replaceAll('127.0.0.1:13133', `127.0.0.1:${health}`)
      .replaceAll('127.0.0.1:8888', `127.0.0.1:${metrics}`)
      .replaceAll('127.0.0.1:8889', `127.0.0.1:${prom}`);
    const config = join(data, 'default.yaml');
    writeFileSync(config, yaml);
    const daemon = runCli(['run', '--config', config], { GENRF_DATA_DIR: data, GENRF_ENV: 'e2e' });
    try {
      await untilRunning(daemon);
      // One mixed request and one per scope: splitting a batch and routing whole batches.
      const sent = [
        request({
          'genrf.security': ['login failed for alice@example.com'],
          'genrf.security.auth': ['token issued'],
          'genrf.securityx': ['not security'],
          'genrf.api': ['GET /circuits'],
        }),
        request({ 'genrf.security.auth': ['password reset for bob@example.com'] }),
        request({ 'genrf.api': ['POST /generate'] }),
        request({ 'genrf.securityx': ['lookalike logger'] }),
      ];
      for (const body of sent) {
        const res = await postOtlp(http, '/v1/logs', JSON.stringify(body));
        expect(res.status, res.text).toBe(200);
      }
      await waitForRecords(join(data, 'security.jsonl'), 'logs', 3);
      await waitForRecords(join(data, 'genrf.jsonl'), 'logs', 4);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    // After the drain: everything that will ever be written is there.
    const security = records(await readJsonLines(join(data, 'security.jsonl')));
    const app = records(await readJsonLines(join(data, 'genrf.jsonl')));
    expect(security.map(([s]) => s).sort()).toEqual(['genrf.security', 'genrf.security.auth', 'genrf.security.auth']);
    expect(app.map(([s, b]) => `${s}: ${b}`).sort()).toEqual(['genrf.api: GET /circuits', 'genrf.api: POST /generate', 'genrf.securityx: lookalike logger', 'genrf.securityx: not security']);
    // Scrubbed on the way, and tagged like everything else.
    const text = readFileSync(join(data, 'security.jsonl'), 'utf8');
    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain('bob@example.com');
    expect(security.find(([s, b]) => s === 'genrf.security.auth' && b === 'token issued')).toBeDefined();
    expect(new Set([...security, ...app].map(([, , env]) => env))).toEqual(new Set(['e2e']));
  });
});

describe('validate: leaking configurations are refused with the path; the default is accepted', () => {
  const FIX = 'test/fixtures/security';
  const cases: Array<[string, string, string, RegExp]> = [
    ['fan-out before the router', 'fanout-before-router.yaml', '26:37: error SEC_LEAK', /otlp → memory_limiter → file\/app /],
    ['a default route that can carry security records', 'default-route-leak.yaml', '16:25: error SEC_LEAK', /otlp → memory_limiter → routing\/security → file\/app /],
    ['a general exporter in the security pipeline', 'exporter-in-security-pipeline.yaml', '33:48: error SEC_LEAK', /otlp → memory_limiter → routing\/security → redaction\/pii → file\/app /],
    ['a connector that bypasses the scrubber', 'connector-bypasses-scrubber.yaml', '27:37: error SEC_UNSCRUBBED', /otlp → memory_limiter → forward\/raw → file\/security /],
    ['a connector from the security pipeline to the application sink', 'connector-leak.yaml', '34:34: error SEC_LEAK', /routing\/security → redaction\/pii → forward\/copy → file\/app /],
    ['a security pipeline without a scrubber', 'missing-scrubber.yaml', '34:19: error SEC_UNSCRUBBED', /routing\/security → batch → file\/security /],
    ['a broad route before the security route', 'broad-route-first.yaml', '15:9: error SEC_LEAK', /otlp → routing\/security → file\/app /],
  ];
  for (const [what, file, at, path] of cases) {
    it(`refuses ${what}`, async () => {
      const { code, stdout, stderr } = await cli(['validate', '--config', `${FIX}/${file}`]);
      expect(code, stdout + stderr).toBe(1);
      const line = (stdout + stderr).split('\n').find((l) => l.startsWith(`${FIX}/${file}:${at}`));
      expect(line, stdout + stderr).toBeDefined();
      expect(line).toMatch(path);
    });
  }

  it('accepts pipelines/default.yaml, pipelines/genrf.yaml and the correctly ordered routes', async () => {
    for (const file of ['pipelines/default.yaml', 'pipelines/genrf.yaml', `${FIX}/ordered-routes.yaml`]) {
      const { code, stdout, stderr } = await cli(['validate', '--config', file]);
      expect(code, stdout + stderr).toBe(0);
    }
  });

  it('with enforce: false the leaking file is accepted (the run-time guard still applies)', async () => {
    const dir = await tempDir();
    const file = join(dir, 'leak.yaml');
    writeFileSync(file, readFileSync(join(ROOT, FIX, 'fanout-before-router.yaml'), 'utf8').replace('    scrubbers: [redaction/pii]\n', '    scrubbers: [redaction/pii]\n    enforce: false\n'));
    const { code, stdout, stderr } = await cli(['validate', '--config', file]);
    expect(code, stdout + stderr).toBe(0);
  });
});

describe('run: the run-time guard is in front of every exporter that is not a sink', () => {
  it('drops and counts security records that a leaking config (enforce: false) hands to a general exporter', async () => {
    const data = await tempDir();
    const [http, metrics] = await Promise.all([freePort(), freePort()]);
    const yaml = readFileSync(join(ROOT, 'test/fixtures/security/fanout-before-router.yaml'), 'utf8')
      .replaceAll('/tmp/genrf-test', data)
      .replace('127.0.0.1:4318', `127.0.0.1:${http}`)
      .replace('    scrubbers: [redaction/pii]\n', '    scrubbers: [redaction/pii]\n    enforce: false\n')
      .replace('  pipelines:\n', `  telemetry: { metrics: { address: 127.0.0.1:${metrics} } }\n  pipelines:\n`);
    const config = join(data, 'leak.yaml');
    writeFileSync(config, yaml);
    const daemon = runCli(['run', '--config', config]);
    let text = '';
    try {
      await untilRunning(daemon);
      const res = await postOtlp(http, '/v1/logs', JSON.stringify(request({ 'genrf.security': ['login failed'], 'genrf.api': ['GET /circuits'] })));
      expect(res.status, res.text).toBe(200);
      // file/app gets genrf.api twice (straight from "logs", and from logs/app by the default route).
      await waitForRecords(join(data, 'security.jsonl'), 'logs', 1);
      await waitForRecords(join(data, 'genrf.jsonl'), 'logs', 2);
      text = await scrape(metrics);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    const app = records(await readJsonLines(join(data, 'genrf.jsonl')));
    expect(app.map(([s]) => s)).toEqual(['genrf.api', 'genrf.api']);
    expect(records(await readJsonLines(join(data, 'security.jsonl'))).map(([s]) => s)).toEqual(['genrf.security']);
    expect(metricValue(text, 'genrf_collector_dropped_items_total', { component: 'exporter/file/app', reason: 'security_guard' })).toBe(1);
  });
});
