// Builds the two Go programs the comparison needs, once, into ~/.cache/genrf-collector/
// vs-otelcol/<release>-<manifest hash>/ (as scripts/services caches its downloads): the
// OpenTelemetry Collector Builder, otelcol from otelcol-builder.yaml, and telemetrygen, all
// at one release from the Go module proxy.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The collector release: core v0.161.0 (stable modules v1.67.0), contrib v0.161.0. */
export const RELEASE = 'v0.161.0';
const MANIFEST = join(import.meta.dirname, 'otelcol-builder.yaml');

export interface Binaries {
  otelcol: string;
  telemetrygen: string;
  dir: string;
}

export function cacheDir(): string {
  const hash = createHash('sha256').update(readFileSync(MANIFEST)).digest('hex').slice(0, 8);
  return join(process.env.GENRF_CACHE_DIR ?? join(homedir(), '.cache/genrf-collector'), 'vs-otelcol', `${RELEASE}-${hash}`);
}

/** The cached binaries, or undefined when they have not been built yet. */
export function cachedBinaries(): Binaries | undefined {
  const dir = cacheDir();
  const b = { otelcol: join(dir, 'otelcol-vs'), telemetrygen: join(dir, 'telemetrygen'), dir };
  return existsSync(b.otelcol) && existsSync(b.telemetrygen) ? b : undefined;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd?: string): void {
  console.error(`vs-otelcol: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env }, cwd });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (is Go installed? the build needs go >= 1.24 and the Go module proxy)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

/** Builds what is missing (several minutes the first time) and returns the binaries. */
export function ensureBinaries(): Binaries {
  const cached = cachedBinaries();
  if (cached) return cached;
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const gobin = { GOBIN: dir };
  if (!existsSync(join(dir, 'builder'))) run('go', ['install', `go.opentelemetry.io/collector/cmd/builder@${RELEASE}`], gobin);
  if (!existsSync(join(dir, 'otelcol-vs'))) {
    const work = mkdtempSync(join(tmpdir(), 'vs-otelcol-build-'));
    try {
      const manifest = readFileSync(MANIFEST, 'utf8').replace(/^dist:\n/m, `dist:\n  output_path: ${join(work, 'src')}\n`);
      writeFileSync(join(work, 'manifest.yaml'), manifest);
      run(join(dir, 'builder'), ['--config', join(work, 'manifest.yaml')], {}, work);
      copyFileSync(join(work, 'src', 'otelcol-vs'), join(dir, 'otelcol-vs.tmp'));
      run('mv', [join(dir, 'otelcol-vs.tmp'), join(dir, 'otelcol-vs')]);
      run('chmod', ['+x', join(dir, 'otelcol-vs')]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  if (!existsSync(join(dir, 'telemetrygen'))) {
    run('go', ['install', `github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@${RELEASE}`], gobin);
  }
  return cachedBinaries()!;
}

if (import.meta.main) {
  const b = ensureBinaries();
  console.log(`otelcol: ${b.otelcol}\ntelemetrygen: ${b.telemetrygen}`);
}
