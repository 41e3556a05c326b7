import { describe, expect, it } from 'vitest';
import { canOverlap, covers } from '../../../src/security/scope-facts.ts';
import { compileCondition, conditionSchema, type ConditionConfig } from '../../../src/match/condition.ts';

const c = (cfg: unknown) => compileCondition(conditionSchema.parse(cfg) as ConditionConfig);
const SEC = c({ scope_name_prefix: 'genrf.security' });

describe('covers: the routes provably take every classified record', () => {
  it('a logger-hierarchy prefix covers itself and its children, not a sibling with the same start', () => {
    expect(covers([c({ scope_name_prefix: 'genrf.security' })], SEC, 'logs')).toBe(true);
    expect(covers([c({ scope_name_prefix: 'genrf' })], SEC, 'logs')).toBe(true);
    expect(covers([c({ scope_name_prefix: 'genrf.security.auth' })], SEC, 'logs')).toBe(false);
    expect(covers([c({ scope_name_prefix: 'genrf.sec' })], SEC, 'logs')).toBe(false); // genrf.sec does not hold genrf.security
    expect(covers([c({ scope_name: 'genrf.security' })], SEC, 'logs')).toBe(false); // children escape
  });

  it('exact names are covered by equal names, hierarchy prefixes and matching regexes; plain prefixes ("x.") do not cover the root', () => {
    const cls = c({ scope_name: ['genrf.security', 'audit'] });
    expect(covers([c({ scope_name: 'genrf.security' }), c({ scope_name_regex: '^aud' })], cls, 'logs')).toBe(true);
    expect(covers([c({ scope_name_prefix: 'genrf.' }), c({ scope_name: 'audit' })], cls, 'logs')).toBe(true);
    expect(covers([c({ scope_name_prefix: 'genrf.security.' }), c({ scope_name: 'audit' })], cls, 'logs')).toBe(false);
    expect(covers([c({ scope_name_prefix: 'genrf.security.' })], c({ scope_name_prefix: 'genrf.security' }), 'logs')).toBe(false);
  });

  it('a classification of several prefixes is covered piece by piece by several routes', () => {
    const cls = c({ scope_name_prefix: ['genrf.security', 'genrf.audit'] });
    expect(covers([c({ scope_name_prefix: 'genrf.audit' }), c({ scope_name_prefix: 'genrf.security' })], cls, 'logs')).toBe(true);
    expect(covers([c({ scope_name_prefix: 'genrf.audit' })], cls, 'logs')).toBe(false);
  });

  it('only routes that test nothing but the scope name can be relied on', () => {
    expect(covers([c({ scope_name_prefix: 'genrf', severity_number_min: 'WARN' })], SEC, 'logs')).toBe(false);
    expect(covers([c({ scope_name_prefix: 'genrf', service_name: 'api' })], SEC, 'logs')).toBe(false);
    // A narrower classification (security AND error) is still covered by a scope-only route.
    expect(covers([c({ scope_name_prefix: 'genrf' })], c({ scope_name_prefix: 'genrf.security', severity_number_min: 'ERROR' }), 'logs')).toBe(true);
    // A classification by attributes alone cannot be proved covered.
    expect(covers([c({ scope_name_prefix: 'genrf' })], c({ attributes: { security: true } }), 'logs')).toBe(false);
  });

  it('identical regexes cover; different ones are not compared', () => {
    expect(covers([c({ scope_name_regex: '^genrf\\.sec' })], c({ scope_name_regex: '^genrf\\.sec' }), 'logs')).toBe(true);
    expect(covers([c({ scope_name_regex: '^genrf' })], c({ scope_name_regex: '^genrf\\.sec' }), 'logs')).toBe(false);
  });
});

describe('canOverlap: false only when no record can match both', () => {
  it('scope names from other branches of the hierarchy cannot overlap', () => {
    expect(canOverlap(c({ scope_name_prefix: 'genrf.api' }), SEC, 'logs')).toBe(false);
    expect(canOverlap(c({ scope_name_prefix: 'genrf.securityx' }), SEC, 'logs')).toBe(false);
    expect(canOverlap(c({ scope_name: 'genrf.securityx' }), SEC, 'logs')).toBe(false);
    expect(canOverlap(c({ scope_name: 'genrf.security.auth' }), SEC, 'logs')).toBe(true);
    expect(canOverlap(c({ scope_name_prefix: 'genrf' }), SEC, 'logs')).toBe(true);
    expect(canOverlap(c({ scope_name_prefix: 'genrf.security.auth' }), SEC, 'logs')).toBe(true);
  });

  it('a regex against an exact name is decided; against a prefix it may overlap', () => {
    expect(canOverlap(c({ scope_name_regex: '^third_party\\.' }), c({ scope_name: 'genrf.security' }), 'logs')).toBe(false);
    expect(canOverlap(c({ scope_name_regex: '^third_party\\.' }), SEC, 'logs')).toBe(true);
  });

  it('routes without a scope constraint, or with keys of another signal', () => {
    expect(canOverlap(c({ severity_number_min: 'ERROR' }), SEC, 'logs')).toBe(true);
    expect(canOverlap(c({ span_name: 'x' }), SEC, 'logs')).toBe(false);
  });
});
