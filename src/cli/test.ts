import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runTestCase } from '../pipetest/runner.ts';
import { readTestFile } from '../pipetest/spec.ts';
import type { Style } from '../pipetest/match.ts';
import { engineParts } from './engine.ts';

/** Test files of the paths: files as given, directories' `*.test.yaml` (recursively), in name order. */
export function testFiles(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.test\.ya?ml$/.test(e.name)) files.push(p);
    }
  };
  for (const p of paths) {
    try {
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    } catch {
      missing.push(p);
    }
  }
  return { files, missing };
}

/** `test`: runs pipeline tests; exit 0 when all pass, 1 when one fails, 2 on usage errors. */
export async function testCommand(paths: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const color = (process.stdout as NodeJS.WriteStream).isTTY === true && !process.env.NO_COLOR;
  const paint = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const style: Style = { red: paint(31), green: paint(32), dim: paint(2) };
  const { files, missing } = testFiles(paths.length > 0 ? paths : ['pipelines/tests']);
  for (const m of missing) process.stderr.write(`genrf-collector test: ${m} does not exist\n`);
  if (missing.length > 0) return 2;
  if (files.length === 0) {
    process.stderr.write(`genrf-collector test: no *.test.yaml file in ${paths.join(', ') || 'pipelines/tests'}\n`);
    return 2;
  }
  const parts = engineParts();
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    out.write(`${relative(process.cwd(), file) || file}\n`);
    const { spec, errors } = readTestFile(file);
    if (!spec) {
      for (const e of errors) out.write(style.red(`  ${e}\n`));
      failed++;
      continue;
    }
    for (const t of spec.tests) {
      const r = await runTestCase(file, spec, t, parts, style);
      if (r.ok) {
        passed++;
        out.write(`  ${style.green('✓')} ${r.name} ${style.dim(`(${r.ms} ms)`)}\n`);
      } else {
        failed++;
        out.write(`  ${style.red('✗')} ${r.name} ${style.dim(`(${r.ms} ms)`)}\n`);
        for (const l of r.lines) out.write(`      ${l}\n`);
      }
    }
  }
  out.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}
