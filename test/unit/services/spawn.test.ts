import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// scripts/services/lib/common.sh's svc_spawn: a service must not inherit the lock of whoever
// ran `up` (`flock /tmp/genrf-services.lock scripts/services/up kafka` once left Kafka holding
// the services test lock for its whole life, and every other services test waited on it).

const ROOT = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'genrf-spawn-'));
let pid = 0;
afterAll(() => {
  if (pid)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  rmSync(dir, { recursive: true, force: true });
});

describe('svc_spawn', () => {
  it('starts the service in its own session with only stdin, stdout and stderr: a lock held by the caller is released when the caller ends', () => {
    const lock = join(dir, 'services.lock');
    const script = `. "${ROOT}/scripts/services/lib/common.sh"; exec 8>"$CACHE/up.lock"; exec 9>"${join(dir, 'other')}"; svc_spawn probe sleep 30; cut -d' ' -f1 "$(pid_file probe)"`;
    pid = Number(execFileSync('flock', [lock, 'bash', '-c', script], { env: { ...process.env, GENRF_SERVICES_CACHE: join(dir, 'cache') }, encoding: 'utf8' }).trim());
    expect(pid).toBeGreaterThan(0);
    expect(readdirSync(`/proc/${pid}/fd`).map(Number).sort()).toEqual([0, 1, 2]);
    // Its own session (setsid), so `down` can stop its whole process group.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    expect(Number(stat[3])).toBe(pid); // session id
    // The caller's flock is free although the service runs on.
    expect(() => execFileSync('flock', ['-n', lock, 'true'])).not.toThrow();
  });
});
