// The child process of precheckConfig: loads and builds the pipeline files (its arguments)
// as `validate` does and sends back what it found. Parsing and validating are the costly,
// attacker-controlled part of a reload; here they cost the running pipelines nothing.
import { loadAndBuild, type Precheck } from '../pipeline/load.ts';
import { engineParts } from './engine.ts';
import { MAX_PRECHECK_DIAGNOSTICS } from './config-precheck.ts';

const { diagnostics, errors } = await loadAndBuild(process.argv.slice(2), engineParts());
// Errors first: they are what the operator must read.
const ordered = [...diagnostics.filter((d) => d.severity === 'error'), ...diagnostics.filter((d) => d.severity !== 'error')];
const result: Precheck = { errors, diagnostics: ordered.slice(0, MAX_PRECHECK_DIAGNOSTICS), omitted: Math.max(0, ordered.length - MAX_PRECHECK_DIAGNOSTICS) };
process.send?.(result, () => process.disconnect());
