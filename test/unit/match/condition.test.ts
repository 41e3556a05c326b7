import { describe, expect, it } from 'vitest';
import { compileCondition, conditionSchema, type ConditionConfig } from '../../../src/match/condition.ts';
import type { AnyValue, InstrumentationScope, KeyValue, LogRecord, Metric, Resource, Span } from '../../../src/pdata/types.ts';

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const str = (key: string, v: string) => kv(key, { stringValue: v });
const resource = (...attributes: KeyValue[]): Resource => ({ attributes, droppedAttributesCount: 0 });
const scope = (name: string): InstrumentationScope => ({ name, version: '', attributes: [], droppedAttributesCount: 0 });
const span = (name: string, kind = 1, attributes: KeyValue[] = []): Span => ({
  traceId: '',
  spanId: '',
  traceState: '',
  parentSpanId: '',
  flags: 0,
  name,
  kind,
  startTimeUnixNano: 0n,
  endTimeUnixNano: 0n,
  attributes,
  droppedAttributesCount: 0,
  events: [],
  droppedEventsCount: 0,
  links: [],
  droppedLinksCount: 0,
  status: { message: '', code: 0 },
});
const log = (severityNumber: number, severityText = '', body: AnyValue | undefined = undefined, attributes: KeyValue[] = []): LogRecord => ({
  timeUnixNano: 0n,
  observedTimeUnixNano: 0n,
  severityNumber,
  severityText,
  body,
  attributes,
  droppedAttributesCount: 0,
  flags: 0,
  traceId: '',
  spanId: '',
  eventName: '',
});
const metric = (name: string): Metric => ({ name, description: '', unit: '', metadata: [], gauge: { dataPoints: [] } });

/** Parses like the config loader would, then compiles. */
const cond = (cfg: unknown) => compileCondition(conditionSchema.parse(cfg) as ConditionConfig);

describe('condition schema', () => {
  it('refuses unknown keys, naming them', () => {
    const r = conditionSchema.safeParse({ scope_prefix: 'genrf' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toContain('scope_prefix');
  });

  it('refuses an empty condition, which would match everything', () => {
    const r = conditionSchema.safeParse({});
    expect(r.error!.issues[0].message).toMatch(/at least one key.*scope_name_prefix/);
  });

  it('refuses a regex that does not compile, at its path', () => {
    const r = conditionSchema.safeParse({ attributes: { 'user.id': { regex: '([a-z' } } });
    expect(r.error!.issues[0].message).toMatch(/not a valid regular expression/);
    expect(r.error!.issues[0].path).toEqual(['attributes', 'user.id', 'regex']);
  });

  it('refuses severities outside 1-24 and unknown severity names', () => {
    expect(conditionSchema.safeParse({ severity_number_min: 25 }).success).toBe(false);
    expect(conditionSchema.safeParse({ severity_number_min: 'LOUD' }).success).toBe(false);
    expect(conditionSchema.safeParse({ severity_number_min: 'warn' }).success).toBe(true);
  });
});

describe('scope names', () => {
  it('scope_name_prefix follows the logger hierarchy', () => {
    const c = cond({ scope_name_prefix: 'genrf.security' });
    expect(c.matchScope(scope('genrf.security'))).toBe(true);
    expect(c.matchScope(scope('genrf.security.auth'))).toBe(true);
    expect(c.matchScope(scope('genrf.securityx'))).toBe(false);
    expect(c.matchScope(scope('genrf'))).toBe(false);
  });

  it('a prefix ending in "." is a plain prefix', () => {
    const c = cond({ scope_name_prefix: 'genrf.' });
    expect(c.matchScope(scope('genrf.x'))).toBe(true);
    expect(c.matchScope(scope('genrf'))).toBe(false);
  });

  it('lists are any-of; exact and regex work; facts are reported', () => {
    const c = cond({ scope_name: ['a', 'b'] });
    expect(c.matchScope(scope('b'))).toBe(true);
    expect(c.matchScope(scope('c'))).toBe(false);
    const r = cond({ scope_name_regex: '^genrf\\.(security|audit)$' });
    expect(r.matchScope(scope('genrf.audit'))).toBe(true);
    expect(r.matchScope(scope('genrf.audit.x'))).toBe(false);
    expect(cond({ scope_name_prefix: ['x.y'], scope_name_regex: 'z' }).scopeNames).toEqual({ exact: [], prefix: ['x.y'], regex: ['z'], normalized: true });
    expect(cond({ span_name: 'x' }).scopeNames).toBeUndefined();
  });

  it('keys of different kinds must all hold', () => {
    const c = cond({ scope_name_prefix: 'genrf', scope_name_regex: 'auth$' });
    expect(c.matchScope(scope('genrf.auth'))).toBe(true);
    expect(c.matchScope(scope('genrf.gen'))).toBe(false);
    expect(c.matchScope(scope('other.auth'))).toBe(false);
  });
});

describe('resource', () => {
  it('matches service.name exactly, by plain prefix and regex; a missing name does not match', () => {
    expect(cond({ service_name: 'genrf-worker' }).matchResource(resource(str('service.name', 'genrf-worker')))).toBe(true);
    expect(cond({ service_name_prefix: 'genrf-' }).matchResource(resource(str('service.name', 'genrf-api')))).toBe(true);
    expect(cond({ service_name_regex: 'api$' }).matchResource(resource(str('service.name', 'genrf-worker')))).toBe(false);
    expect(cond({ service_name_prefix: 'genrf-' }).matchResource(resource())).toBe(false);
  });

  it('resource_attributes: values by string form, regex, exists', () => {
    const r = resource(str('deployment.environment', 'prod'), kv('k8s.replica', { intValue: 3n }));
    expect(cond({ resource_attributes: { 'deployment.environment': ['prod', 'staging'] } }).matchResource(r)).toBe(true);
    expect(cond({ resource_attributes: { 'k8s.replica': 3 } }).matchResource(r)).toBe(true);
    expect(cond({ resource_attributes: { 'k8s.replica': '3' } }).matchResource(r)).toBe(true);
    expect(cond({ resource_attributes: { 'deployment.environment': { regex: '^st' } } }).matchResource(r)).toBe(false);
    expect(cond({ resource_attributes: { 'host.name': { exists: false } } }).matchResource(r)).toBe(true);
    expect(cond({ resource_attributes: { 'host.name': { exists: true } } }).matchResource(r)).toBe(false);
  });

  it('a condition without resource keys says so and matches any resource', () => {
    const c = cond({ span_name: 'x' });
    expect(c.levels).toEqual({ resource: false, scope: false, record: true });
    expect(c.matchResource(resource())).toBe(true);
    expect(c.matchScope(scope('any'))).toBe(true);
  });
});

describe('attribute values compare by type-aware string form', () => {
  const c = cond({ attributes: { 'http.status_code': 200 } });
  it.each([
    [{ intValue: 200n }, true],
    [{ stringValue: '200' }, true],
    [{ doubleValue: 200 }, true],
    [{ intValue: 201n }, false],
    [{ stringValue: '0200' }, false],
    [{ boolValue: true }, false],
  ] as Array<[AnyValue, boolean]>)('%o -> %s', (value, expected) => {
    expect(c.matchSpan(span('s', 1, [kv('http.status_code', value)]))).toBe(expected);
  });

  it('booleans and doubles', () => {
    expect(cond({ attributes: { ok: true } }).matchSpan(span('s', 1, [kv('ok', { boolValue: true })]))).toBe(true);
    expect(cond({ attributes: { ok: 'true' } }).matchSpan(span('s', 1, [kv('ok', { stringValue: 'true' })]))).toBe(true);
    expect(cond({ attributes: { g: 18.5 } }).matchSpan(span('s', 1, [kv('g', { doubleValue: 18.5 })]))).toBe(true);
    expect(cond({ attributes: { g: '18.50' } }).matchSpan(span('s', 1, [kv('g', { doubleValue: 18.5 })]))).toBe(false);
  });

  it('regex applies to the string form of non-string values', () => {
    expect(cond({ attributes: { code: { regex: '^5\\d\\d$' } } }).matchSpan(span('s', 1, [kv('code', { intValue: 503n })]))).toBe(true);
    expect(cond({ attributes: { code: { regex: '^5\\d\\d$' } } }).matchSpan(span('s', 1, [kv('code', { intValue: 404n })]))).toBe(false);
  });
});

describe('records', () => {
  it('spans by name and kind', () => {
    const c = cond({ span_name_prefix: 'spice_', span_kind: ['server', 'client'] });
    expect(c.matchSpan(span('spice_validation', 2))).toBe(true);
    expect(c.matchSpan(span('spice_validation', 1))).toBe(false);
    expect(c.matchSpan(span('generate', 2))).toBe(false);
  });

  it('logs by severity (number or name), text ignoring case, string body regex', () => {
    const warn = cond({ severity_number_min: 'WARN' });
    expect(warn.matchLog(log(13))).toBe(true);
    expect(warn.matchLog(log(12))).toBe(false);
    expect(warn.matchLog(log(0))).toBe(false); // unspecified severity is below every minimum
    expect(cond({ severity_number_min: 17 }).matchLog(log(21))).toBe(true);
    const text = cond({ severity_text: ['error', 'fatal'] });
    expect(text.matchLog(log(0, 'ERROR'))).toBe(true);
    expect(text.matchLog(log(0, 'errors'))).toBe(false);
    expect(cond({ severity_text: 'a.b' }).matchLog(log(0, 'axb'))).toBe(false); // text, not a regex
    const body = cond({ body_regex: 'password=' });
    expect(body.matchLog(log(0, '', { stringValue: 'login password=x' }))).toBe(true);
    expect(body.matchLog(log(0, '', { intValue: 1n }))).toBe(false);
    expect(body.matchLog(log(0, '', undefined))).toBe(false);
  });

  it('metrics by name; data point attributes separately', () => {
    const c = cond({ metric_name_prefix: 'genrf.spice.', attributes: { engine: 'ngspice' } });
    expect(c.matchMetric(metric('genrf.spice.duration'))).toBe(true);
    expect(c.matchMetric(metric('genrf.generation.duration'))).toBe(false);
    expect(c.matchDataPointAttributes([str('engine', 'ngspice')])).toBe(true);
    expect(c.matchDataPointAttributes([str('engine', 'xyce')])).toBe(false);
  });

  it('keys of another signal never match and are reported', () => {
    const c = cond({ severity_number_min: 'ERROR', scope_name: 'x' });
    expect(c.matchSpan(span('s'))).toBe(false);
    expect(c.matchMetric(metric('m'))).toBe(false);
    expect(c.keysNotFor('traces')).toEqual(['severity_number_min']);
    expect(c.keysNotFor('logs')).toEqual([]);
  });
});

describe('scope names are compared as a person reads them (issue 13)', () => {
  const scope = (name: string) => ({ name, version: '', attributes: [], droppedAttributesCount: 0 });
  const VARIANTS = [
    'genrf.security',
    'GENRF.SECURITY',
    ' genrf.security',
    'genrf.security ',
    'genrf_security',
    'genrf/security',
    'genrf:security',
    'genrf．security', // fullwidth dot
    'genrf。security', // ideographic full stop
    'genrf.sеcurity', // Cyrillic е
    'gеnrf.security.auth', // Cyrillic е, child logger
    'genrf.secu\u200brity', // zero-width space
    'genrf.\u2060security', // word joiner
    'Genrf.Security.Auth',
    'ｇｅｎｒｆ.ｓｅｃｕｒｉｔｙ', // fullwidth letters
    'genrf__security',
  ];
  it('every variant of genrf.security matches the prefix by default', () => {
    const c = compileCondition({ scope_name_prefix: 'genrf.security' });
    for (const v of VARIANTS) expect(c.matchScope(scope(v)), JSON.stringify(v)).toBe(true);
    for (const v of ['genrf.securityx', 'genrf.api', 'genrf', 'security.genrf']) expect(c.matchScope(scope(v)), v).toBe(false);
  });
  it('scope_name_match: exact keeps strict matching', () => {
    const c = compileCondition({ scope_name_prefix: 'genrf.security', scope_name_match: 'exact' });
    expect(c.matchScope(scope('genrf.security.auth'))).toBe(true);
    for (const v of VARIANTS.slice(1)) if (!v.startsWith('genrf.security')) expect(c.matchScope(scope(v)), JSON.stringify(v)).toBe(false);
  });
});
