import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectSecurity } from '../../../src/security/inspect.ts';
import type { TapPointInfo } from '../../../src/pipeline/tap.ts';
import { load, ROOT } from './helpers.ts';

// What the status page and taps are told about service.security, on the shipped production pipelines.
const genrf = () => load(join(ROOT, 'pipelines/genrf.yaml'));

const point = (key: string, kind: TapPointInfo['kind'] = 'processor'): TapPointInfo => {
  const at = key.lastIndexOf('@');
  return { key, kind, id: key.slice(0, at), pipeline: key.slice(at + 1), signal: key.slice(at + 1).startsWith('traces') ? 'traces' : 'logs', side: 'out' };
};

describe('inspectSecurity', () => {
  it('lists every path security records can take, each ending at a sink after the scrubber', () => {
    const { view } = inspectSecurity(genrf())!;
    const paths = view.paths.map((p) => `${p.steps.join(' > ')} [${p.scrubbedBy.join(',')}]`);
    expect(paths).toEqual([
      // Spans and metrics of genrf.security* tracers and meters too (issue 13).
      'otlp > memory_limiter > resourcedetection > resource/env > batch > routing/security_traces > redaction/pii > file/security [redaction/pii]',
      'kafka > memory_limiter > resourcedetection > resource/env > batch/kafka > routing/security_traces > redaction/pii > file/security [redaction/pii]',
      'otlp > memory_limiter > resourcedetection > resource/env > batch > routing/security_metrics > redaction/pii > file/security [redaction/pii]',
      'kafka > memory_limiter > resourcedetection > resource/env > batch/kafka > routing/security_metrics > redaction/pii > file/security [redaction/pii]',
      'otlp > memory_limiter > resourcedetection > resource/env > batch > routing/security > redaction/pii > file/security [redaction/pii]',
      'otlp > memory_limiter > resourcedetection > resource/env > batch > routing/security > redaction/pii > elasticsearch/security [redaction/pii]',
      'kafka > memory_limiter > resourcedetection > resource/env > batch/kafka > routing/security > redaction/pii > file/security [redaction/pii]',
      'kafka > memory_limiter > resourcedetection > resource/env > batch/kafka > routing/security > redaction/pii > elasticsearch/security [redaction/pii]',
    ]);
    expect(view.paths.every((p) => p.sink)).toBe(true);
    expect(view.findings).toEqual([]);
    expect(view.guarded.sort()).toEqual(['elasticsearch/genrf@logs', 'elasticsearch/genrf@traces', 'file/app@logs', 'file/metrics@metrics', 'jaeger@traces', 'prometheus@metrics']);
  });

  it('refuses taps before the scrubber of a security pipeline, filters the ingest pipelines, allows the rest', () => {
    const { tapPolicy } = inspectSecurity(genrf())!;
    const refused = tapPolicy(point('routing/security@logs/security', 'connector'));
    expect(refused).toEqual({ allow: false, reason: expect.stringContaining('tap redaction/pii@logs/security') });
    expect(tapPolicy(point('redaction/pii@logs/security'))).toEqual({ allow: true });
    expect(tapPolicy(point('file/security@logs/security', 'exporter'))).toEqual({ allow: true });
    for (const k of ['batch@logs', 'otlp@logs', 'batch/kafka@logs/kafka']) {
      const d = tapPolicy(point(k));
      expect(d.allow && d.filter !== undefined, k).toBe(true);
    }
    // The default route never carries security records; traces are covered like logs.
    expect(tapPolicy(point('routing/security@logs/app', 'connector'))).toEqual({ allow: true });
    expect(tapPolicy(point('routing/security_traces@traces/app', 'connector'))).toEqual({ allow: true });
    const traces = tapPolicy(point('batch@traces'));
    expect(traces.allow && traces.filter !== undefined).toBe(true);
  });

  it('says nothing without a policy', () => {
    expect(inspectSecurity(load(join(ROOT, 'pipelines/edge.yaml')))).toBeUndefined();
  });
});
