// `npm run demo` as a user runs it after the README's setup: it brings the services up (they
// are up already here), runs the daemons and the emulator, and prints, for Jaeger, the
// exporter, Prometheus and Elasticsearch, what each holds against what was sent. Every count
// must match, and the exit code must say so.
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { ROOT } from '../../examples/genrf/stack.ts';
import { describeService, requireService } from './helpers/services.ts';

const checks = await Promise.all((['kafka', 'elasticsearch', 'jaeger', 'prometheus', 'python-otel'] as const).map((s) => requireService(s)));
const all = checks.find((c) => !c.ok) ?? checks[0];

describeService(all, 'npm run demo', () => {
  it('runs end to end and every backend holds what the emulator sent', async () => {
    const proc = spawn(process.execPath, ['examples/genrf/demo.ts', '--seconds', '4', '--rate', '3'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    proc.stderr.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(out, out).toMatch(/the emulator sent (\d+) circuits/);
    const sent = Number(/the emulator sent (\d+) circuits/.exec(out)![1]);
    expect(sent).toBeGreaterThan(0);
    const rows = [...out.matchAll(/^ {2}(.+?)\s+(-?\d+) \/ (\d+)/gm)].map((m) => ({ what: m[1].trim(), seen: Number(m[2]), sent: Number(m[3]) }));
    expect(rows.map((r) => r.what)).toEqual(['traces (generate_circuit + 3 children)', 'circuits on the exporter', 'circuits in Prometheus', 'application logs', 'security logs (scrubbed)']);
    for (const r of rows) expect(r.seen, r.what).toBe(r.sent);
    expect(rows[0].sent).toBe(sent);
    expect(out).toMatch(/http:\/\/127\.0\.0\.1:16686\/search\?service=genrf-worker/);
    expect(out).toMatch(/logs-genrf-default {2}q=resource\.deployment\.environment:demo\d+/);
    expect(code, out).toBe(0);
  }, 180_000);
});
