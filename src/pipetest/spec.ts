// The pipeline test file format (`*.test.yaml`), as a zod schema: the source of truth for what
// a test may say. Errors name the file, line and column of the value at fault.
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Value } from './records.ts';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const value: z.ZodType<Value> = z.lazy(() => z.union([scalar, z.array(value), z.record(z.string(), value)]));

const matcher = z.union([
  scalar,
  z
    .strictObject({
      equals: value.optional(),
      contains: z.string().optional(),
      not_contains: z.string().optional(),
      prefix: z.string().optional(),
      matches: z
        .string()
        .refine((s) => {
          try {
            new RegExp(s);
            return true;
          } catch {
            return false;
          }
        }, 'not a valid regular expression')
        .optional(),
      exists: z.boolean().optional(),
    })
    .refine((m) => Object.keys(m).length > 0, 'give one of equals, contains, not_contains, prefix, matches, exists'),
]);

/** Fields (`scope.name`, `resource.deployment.environment`, `attributes.user.email`, `body`, ...) and what they must be. */
const recordMatcher = z.record(z.string(), matcher);

const count = z.union([z.number().int().min(0), z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })]);

const expectation = z.strictObject({
  /** Records that arrived (spans, log records, metric data points). */
  count: count.optional(),
  /** Each must match at least one record. */
  present: z.array(recordMatcher).optional(),
  /** None may match any record. */
  absent: z.array(recordMatcher).optional(),
  /** Every record must match each of these. */
  all: z.array(recordMatcher).optional(),
  /** Metric names the exporter's own output holds (prometheus: its exposition). */
  metric_names: z.array(z.string().min(1)).optional(),
  /** Metric names it must not hold. */
  absent_metric_names: z.array(z.string().min(1)).optional(),
});

const otlpRequest = z.union([z.record(z.string(), z.unknown()), z.string()]);

const message = z.union([
  z.string(),
  z
    .strictObject({
      /** The message value: text as it is, an object as its JSON text (a structlog line, OTLP/JSON). */
      value: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
      /** An OTLP/JSON request, sent as protobuf bytes (the otlp_proto encoding). */
      otlp_proto: z.record(z.string(), z.unknown()).optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .refine((m) => (m.value === undefined) !== (m.otlp_proto === undefined), 'give value or otlp_proto'),
  z.record(z.string(), z.unknown()),
]);

const input = z
  .strictObject({
    /** The receiver id, as in the pipeline files. */
    receiver: z.string().min(1),
    /** OTLP receivers: one export request per signal, as OTLP/JSON (an object or its text). */
    traces: otlpRequest.optional(),
    metrics: otlpRequest.optional(),
    logs: otlpRequest.optional(),
    /** A file holding an OTLP/JSON export request (relative to the test file). */
    file: z.string().min(1).optional(),
    /** How the OTLP request goes over the wire: json (default) or proto. */
    format: z.enum(['json', 'proto']).default('json'),
    /** Kafka receivers: the signal (topic) of `messages`. */
    signal: z.enum(['traces', 'metrics', 'logs']).optional(),
    messages: z.array(message).min(1).optional(),
  })
  .superRefine((i, ctx) => {
    const given = ['traces', 'metrics', 'logs', 'file', 'messages'].filter((k) => i[k as keyof typeof i] !== undefined);
    if (given.length !== 1) ctx.addIssue({ code: 'custom', message: `give exactly one of traces, metrics, logs, file or messages (got ${given.join(', ') || 'none'})` });
    if (i.messages !== undefined && i.signal === undefined) ctx.addIssue({ code: 'custom', path: ['signal'], message: 'messages need the signal (topic) they are for: traces, metrics or logs' });
  });

const env = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const testCase = z.strictObject({
  name: z.string().min(1),
  /** Pipeline files for this test instead of the file's (e.g. with an overlay that changes one setting). */
  pipelines: z.array(z.string().min(1)).min(1).optional(),
  /** Environment variables for `${env:...}` in the pipeline files, on top of the file's. */
  env: env.default({}),
  inputs: z.array(input).min(1),
  /** By exporter id (every signal it exports) or `id@signal`. */
  expect: z.record(z.string(), expectation),
  /** Exporters not named in `expect` must receive nothing. */
  nothing_elsewhere: z.boolean().default(false),
});

export const testFileSchema = z.strictObject({
  /** Pipeline files (relative to the test file), merged in order as `--config` does. */
  pipelines: z.array(z.string().min(1)).min(1),
  /** Environment variables for the pipeline files. Tests see only these (not the shell's), so they pass anywhere. */
  env: env.default({}),
  tests: z.array(testCase).min(1),
});

export type TestFile = z.output<typeof testFileSchema>;
export type TestCase = TestFile['tests'][number];
export type TestInput = TestCase['inputs'][number];
export type Expectation = TestCase['expect'][string];

/** Reads and checks a test file; every problem as `file:line:col: message`. */
export function readTestFile(path: string): { spec?: TestFile; errors: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { errors: [`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`] };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const p = lc.linePos(e.pos[0]);
        return `${path}:${p.line}:${p.col}: ${e.message.split('\n')[0]}`;
      }),
    };
  }
  const parsed = testFileSchema.safeParse(doc.toJS());
  if (parsed.success) return { spec: parsed.data, errors: [] };
  return {
    errors: parsed.error.issues.map((issue) => {
      // The deepest node of the path that exists in the file.
      let path2 = issue.path as (string | number)[];
      let node = doc.getIn(path2, true);
      while (!isNode(node) && path2.length > 0) {
        path2 = path2.slice(0, -1);
        node = path2.length ? doc.getIn(path2, true) : doc.contents;
      }
      const at = isNode(node) && node.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return `${path}:${at.line}:${at.col}: ${where}${issue.message}`;
    }),
  };
}
