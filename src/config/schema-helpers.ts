import { z } from 'zod';

// Shared building blocks for component config schemas. A component's schema is the source
// of truth for its options: validation, defaults, the TypeScript type (z.output) and the
// JSON Schema for editors. Use z.strictObject so that unknown keys are errors.

const DURATION_RE = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration (`200ms`, `5s`, `1.5m`, `1h`) to milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
}

/**
 * A duration option: a string like `5s` / `200ms`, or a number of milliseconds.
 * The parsed value is milliseconds.
 */
export function duration(defaultValue: string) {
  return z
    .union([z.string(), z.number().nonnegative()])
    .default(defaultValue)
    .transform((v, ctx) => {
      if (typeof v === 'number') return v;
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration: use a number and a unit, e.g. 500ms, 5s, 1m` });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ description: 'A duration such as 500ms, 5s, 1m (or a number of milliseconds).' });
}

/** `host:port` (IPv6 hosts in brackets). */
export function endpoint(defaultValue: string) {
  return z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:/]*):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:4318')
    .default(defaultValue);
}
