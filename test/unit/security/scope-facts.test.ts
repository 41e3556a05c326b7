// The static proof with normalised scope names (issue 13): a normalised route covers a
// normalised or exact classification; an exact route does not cover a normalised one (its
// spellings escape), and disjointness is judged on the normalised forms.
import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../../src/match/condition.ts';
import { canOverlap, covers } from '../../../src/security/scope-facts.ts';

const norm = compileCondition({ scope_name_prefix: 'genrf.security' });
const exact = compileCondition({ scope_name_prefix: 'genrf.security', scope_name_match: 'exact' });

describe('scope facts across match modes', () => {
  it('covers', () => {
    expect(covers([norm], norm, 'logs')).toBe(true);
    expect(covers([compileCondition({ scope_name_prefix: 'GENRF' })], norm, 'logs')).toBe(true);
    expect(covers([norm], exact, 'logs')).toBe(true);
    expect(covers([exact], norm, 'logs')).toBe(false);
  });
  it('disjoint only when the normalised names are', () => {
    expect(canOverlap(compileCondition({ scope_name_prefix: 'genrf.api', scope_name_match: 'exact' }), norm, 'logs')).toBe(false);
    expect(canOverlap(compileCondition({ scope_name: 'GENRF_SECURITY', scope_name_match: 'exact' }), norm, 'logs')).toBe(true);
  });
});
