// Alert rules on recorded series, with promtool: the samples a real Prometheus scraped from
// the daemon (one a second) are replayed as a `promtool test rules` input, stretched in time so
// that seconds of recording cover the rules' minutes (`for: 5m`, `[10m]`).
//
// Stretching keeps what the rules read: counters (…_total, histogram …_bucket/_sum/_count)
// are multiplied by the stretch, so every per-second rate is the recorded one; ratios and
// quantiles are unchanged (both sides scale alike); gauges are replayed as they are.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const run = promisify(execFile);

export interface Recording {
  matrix: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
  start: number;
  end: number;
}
export interface GotAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Every genrf_* sample Prometheus scraped from `job` in [start, end], second by second. */
export async function record(promUrl: string, job: string, start: number, end: number): Promise<Recording> {
  const params = new URLSearchParams({ query: `{job="${job}",__name__=~"genrf_.*"}`, start: String(start), end: String(end), step: '1' });
  const res = (await (await fetch(`${promUrl}/api/v1/query_range?${params}`)).json()) as { data: { result: Recording['matrix'] } };
  return { matrix: res.data.result, start, end };
}

const COUNTER = /_(total|bucket|sum|count)$/;

/** promtool input series, one step per recorded second, `stretch` seconds apart. */
export function inputSeries(rec: Recording, stretch: number): Array<{ series: string; values: string }> {
  const steps = Math.floor(rec.end - rec.start) + 1;
  return rec.matrix.map((s) => {
    const scale = COUNTER.test(s.metric.__name__) ? stretch : 1;
    const byStep = new Map(s.values.map(([t, v]) => [Math.round(t - rec.start), Number(v) * scale]));
    const values = Array.from({ length: steps }, (_, i) => (byStep.has(i) ? String(byStep.get(i)) : '_')).join(' ');
    const { __name__, ...labels } = s.metric;
    return {
      series: `${__name__}{${Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}}`,
      values,
    };
  });
}

function parseMap(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2].replace(/\\(.)/g, '$1')]));
}

/**
 * Evaluates each alert of `ruleFile` at the end of the replay, with promtool. Returns the alerts
 * each rule gives there (an empty list: silent). Each rule is first expected silent: promtool
 * reports what it got instead, which is parsed here; then a second promtool run with those
 * alerts as the expectation must succeed (the test file that documents the result).
 */
export async function replayAlerts(promtool: string, ruleFile: string, rec: Recording, stretch: number, alertnames: string[]): Promise<{ got: Record<string, GotAlert[]>; confirmed: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'genrf-replay-'));
  try {
    const steps = Math.floor(rec.end - rec.start) + 1;
    const evalTime = `${(steps - 1) * stretch}s`;
    const test = (expect: Record<string, GotAlert[]>) =>
      stringify(
        {
          rule_files: [ruleFile],
          evaluation_interval: `${stretch}s`,
          tests: [
            {
              interval: `${stretch}s`,
              input_series: inputSeries(rec, stretch),
              alert_rule_test: alertnames.map((alertname) => ({
                eval_time: evalTime,
                alertname,
                exp_alerts: (expect[alertname] ?? []).map((a) => {
                  const { alertname: _n, ...labels } = a.labels;
                  return { exp_labels: labels, exp_annotations: a.annotations };
                }),
              })),
            },
          ],
        },
        { lineWidth: 0 },
      );
    const file = join(dir, 'replay.test.yaml');
    await writeFile(file, test({}));
    const first = await run(promtool, ['test', 'rules', file], { maxBuffer: 64 << 20 }).then(
      (r) => r.stdout + r.stderr,
      (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
    );
    const got: Record<string, GotAlert[]> = Object.fromEntries(alertnames.map((a) => [a, []]));
    for (const block of first.split(/\n\s*alertname: /).slice(1)) {
      const name = /^(\w+),/.exec(block)![1];
      const gotPart = block.slice(block.indexOf('got:['));
      for (const m of gotPart.matchAll(/Labels:\{(.*)\}\s*\n\s*Annotations:\{(.*)\}/g)) got[name].push({ labels: parseMap(m[1]), annotations: parseMap(m[2]) });
    }
    if (!/FAILED|SUCCESS/.test(first)) throw new Error(`promtool did not run the test:\n${first}`);
    await writeFile(file, test(got));
    const second = await run(promtool, ['test', 'rules', file], { maxBuffer: 64 << 20 }).then(
      (r) => r.stdout + r.stderr,
      (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
    );
    return { got, confirmed: second };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
