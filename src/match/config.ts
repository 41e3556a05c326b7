import { z } from 'zod';

// The YAML shape of a condition on telemetry, shared by the attributes / resource / filter
// processors and the routing connector. All keys given must hold (AND); a list value means
// any of its entries (OR). The schema only checks the shape and that regexes compile;
// src/match/condition.ts compiles a parsed condition once, when the component is built.

/** Lowest severity number of each OTLP severity range (TRACE 1-4, DEBUG 5-8, ...). */
export const SEVERITY_NUMBERS = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 } as const;
export type SeverityName = keyof typeof SEVERITY_NUMBERS;

export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKindName = (typeof SPAN_KIND_NAMES)[number];

export type Scalar = string | number | boolean;
/** A value to compare with, a regex on the value's string form, or a presence test. */
export type AttributeMatch = Scalar | Scalar[] | { regex: string } | { exists: boolean };

export interface ConditionConfig {
  service_name?: string | string[];
  service_name_prefix?: string | string[];
  service_name_regex?: string | string[];
  scope_name?: string | string[];
  scope_name_prefix?: string | string[];
  scope_name_regex?: string | string[];
  scope_name_match?: 'normalized' | 'exact';
  resource_attributes?: Record<string, AttributeMatch>;
  attributes?: Record<string, AttributeMatch>;
  span_name?: string | string[];
  span_name_prefix?: string | string[];
  span_name_regex?: string | string[];
  span_kind?: SpanKindName | SpanKindName[];
  metric_name?: string | string[];
  metric_name_prefix?: string | string[];
  metric_name_regex?: string | string[];
  severity_number_min?: number | SeverityName | Lowercase<SeverityName>;
  severity_text?: string | string[];
  body_regex?: string | string[];
}

/** A JavaScript regular expression, checked to compile so the error names the option. */
export const regexSource = z.string().superRefine((src, ctx) => {
  try {
    new RegExp(src);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
});

const oneOrMore = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);
const names = oneOrMore(z.string());
const regexes = oneOrMore(regexSource);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const attributeMatch = z
  .union([scalar, z.array(scalar).min(1), z.strictObject({ regex: regexSource }), z.strictObject({ exists: z.boolean() })])
  .meta({ description: 'A value (matched by its string form: 200 matches the int 200 and the string "200"), a list of values (any), { regex: ... } or { exists: true|false }.' });

const severityNames = [...Object.keys(SEVERITY_NUMBERS), ...Object.keys(SEVERITY_NUMBERS).map((k) => k.toLowerCase())] as [string, ...string[]];

export const conditionShape = {
  /** Resource attribute service.name equals one of these. */
  service_name: names.optional(),
  /** service.name starts with one of these (plain string prefix). */
  service_name_prefix: names.optional(),
  /** service.name contains a match of one of these regexes (unanchored: use ^...$). */
  service_name_regex: regexes.optional(),
  /** Instrumentation scope name equals one of these. */
  scope_name: names.optional(),
  /**
   * Scope name is one of these or below it in the logger hierarchy: `genrf.security` matches
   * `genrf.security` and `genrf.security.auth`, not `genrf.securityx`. A prefix ending in "."
   * is a plain prefix.
   */
  scope_name_prefix: names.optional(),
  scope_name_regex: regexes.optional(),
  /**
   * How scope_name and scope_name_prefix compare (default normalized): `normalized` compares
   * names as a person reads them: case, surrounding spaces, NFKC forms (a fullwidth dot),
   * zero-width characters and Cyrillic or Greek homoglyphs are ignored, and the separators
   * `. / : _` are alike, so `GENRF.SECURITY`, `genrf_security`, `genrf/security` and
   * `genrf.sеcurity` (Cyrillic е) all match `genrf.security`. `exact` compares the strings as
   * they are. scope_name_regex always sees the name as sent.
   */
  scope_name_match: z.enum(['normalized', 'exact']).optional(),
  /** Resource attributes by key: each must match. */
  resource_attributes: z.record(z.string(), attributeMatch).optional(),
  /** Record attributes (span, log record, metric data point) by key: each must match. */
  attributes: z.record(z.string(), attributeMatch).optional(),
  span_name: names.optional(),
  /** Span name starts with one of these (plain string prefix). */
  span_name_prefix: names.optional(),
  span_name_regex: regexes.optional(),
  span_kind: oneOrMore(z.enum(SPAN_KIND_NAMES)).optional(),
  metric_name: names.optional(),
  /** Metric name starts with one of these (plain string prefix). */
  metric_name_prefix: names.optional(),
  metric_name_regex: regexes.optional(),
  /** Log severity number at least this: 1-24, or TRACE, DEBUG, INFO, WARN, ERROR, FATAL (the lowest number of the range). */
  severity_number_min: z.union([z.number().int().min(1).max(24), z.enum(severityNames)]).optional(),
  /** Log severity text equals one of these, ignoring case. */
  severity_text: names.optional(),
  /** Log body is a string containing a match of one of these regexes. */
  body_regex: regexes.optional(),
};

export const CONDITION_KEYS = Object.keys(conditionShape) as Array<keyof ConditionConfig>;

export const conditionSchema: z.ZodType<ConditionConfig> = z
  .strictObject(conditionShape)
  .superRefine((c, ctx) => {
    if (!Object.values(c).some((v) => v !== undefined)) {
      ctx.addIssue({ code: 'custom', message: `a condition needs at least one key (it would match everything); known keys: ${CONDITION_KEYS.join(', ')}` });
    }
  })
  .meta({ id: 'match.condition', description: 'A condition on telemetry: every key given must hold; a list means any of its entries.' }) as z.ZodType<ConditionConfig>;
