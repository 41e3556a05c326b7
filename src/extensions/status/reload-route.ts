// POST /reload: reloads the pipeline files as SIGHUP does, for operators without a shell on
// the host. Behind a bearer token read at start from a file or an environment variable; the
// token is never logged or echoed. The answer waits for the outcome: 200 reloaded, 422
// refused (every problem, as `validate` prints them), 500 failed (the previous config runs
// again), 503 the daemon is stopping.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Host } from '../../pipeline/component.ts';
import type { StatusConfig } from './config.ts';

/** Shorter tokens are refused at start: they can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The token's digest, or undefined when reload is not configured. Throws a clear error when it cannot be read. */
export function readToken(cfg: StatusConfig['reload'], env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  if (cfg === undefined) return undefined;
  let token: string | undefined;
  let where: string;
  if (cfg.token_file !== undefined) {
    where = `reload.token_file ${cfg.token_file}`;
    try {
      token = readFileSync(cfg.token_file, 'utf8').trim();
    } catch (err) {
      throw new Error(`status: cannot read ${where}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else {
    where = `reload.token_env ${cfg.token_env}`;
    token = env[cfg.token_env!]?.trim();
    if (token === undefined) throw new Error(`status: ${where} is not set in the daemon's environment`);
  }
  if (token.length < MIN_TOKEN_LENGTH) throw new Error(`status: the token in ${where} is shorter than ${MIN_TOKEN_LENGTH} characters`);
  return digest(token);
}

const STATUS: Record<string, number> = { reloaded: 200, unchanged: 200, refused: 422, failed: 500, stopping: 503 };

export function handleReload(host: Host, token: Buffer | undefined, req: IncomingMessage, res: ServerResponse, keep: () => () => void): void {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(`${JSON.stringify(body)}\n`);
  if (req.method !== 'POST') {
    json(405, { error: 'reload with POST' }, { allow: 'POST' });
    return;
  }
  if (token === undefined || host.reload === undefined) {
    json(403, { error: 'reload is off: give the status extension reload.token_file or reload.token_env' });
    return;
  }
  // X-Reload-Token when the page itself is behind `auth` (Authorization then carries that credential).
  const alt = req.headers['x-reload-token'];
  const given = typeof alt === 'string' ? alt.trim() : /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (given === undefined || given === '' || !timingSafeEqual(digest(given), token)) {
    json(401, { error: 'a valid bearer token is required: Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer realm="genrf-collector"' });
    return;
  }
  // The reload stops this extension with the rest of the old pipelines: the connection that
  // asked is kept open through it and answered with the outcome.
  const release = keep();
  host
    .reload('http')
    .then(
      (o) => json(STATUS[o.result] ?? 500, { result: o.result, hash_before: o.hashBefore, hash_after: o.hashAfter, errors: o.errors }, { connection: 'close' }),
      (err: unknown) => json(500, { result: 'failed', errors: [String((err as Error)?.message ?? err)] }, { connection: 'close' }),
    )
    .finally(release);
}
