// CPU time and peak memory of a daemon, read from /proc: the process and every descendant
// (a daemon that forks workers is measured whole; threads are already in the process's own
// counters).
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS = 100;

interface Stat {
  ppid: number;
  ticks: number;
}

async function stat(pid: number): Promise<Stat | undefined> {
  try {
    const s = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (2nd field) is in parentheses and may contain spaces: split after it.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined;
  }
}

/** `pid` and its descendants that are alive now. */
export async function processTree(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const name of await readdir('/proc')) {
    const p = Number(name);
    if (!Number.isInteger(p) || p <= 0) continue;
    const s = await stat(p);
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(p);
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** utime + stime of `pids`, in seconds. */
export async function cpuSeconds(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const p of pids) ticks += (await stat(p))?.ticks ?? 0;
  return ticks / TICKS;
}

/** Sum of the peak resident sets (VmHWM) of `pids`, in KiB. */
export async function peakRssKiB(pids: number[]): Promise<number> {
  let kib = 0;
  for (const p of pids) {
    try {
      kib += Number(/VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kib;
}
