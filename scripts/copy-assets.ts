// `npm run build` (and `prepare`): tsc compiles src/ to dist/; the files it does not compile
// but the daemon serves (the status page) are copied beside the compiled code.
import { cpSync, readdirSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const ASSET = new Set(['.html', '.css', '.js']);

function copy(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) copy(p);
    else if (ASSET.has(extname(e.name))) cpSync(p, join(ROOT, 'dist', relative(join(ROOT, 'src'), p)));
  }
}

copy(join(ROOT, 'src'));
