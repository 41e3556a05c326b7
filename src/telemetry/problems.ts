// The last warning or error each component logged, for the status page. Fed with the log
// lines at warn and above (see createLogger), which are few: components log problems once
// per change or per interval, never per record.

export interface Problem {
  level: 'warn' | 'error' | 'fatal';
  message: string;
  /** Milliseconds since the epoch. */
  time: number;
}

const LEVELS: Record<string, Problem['level']> = { WARN: 'warn', ERROR: 'error', FATAL: 'fatal', '40': 'warn', '50': 'error', '60': 'fatal' };
/** Components are finitely many; the bound only guards against a bug that invents names. */
const MAX_COMPONENTS = 1000;

export class ProblemLog {
  readonly #last = new Map<string, Problem>();

  /** A pino destination: one JSON log line per call. */
  write(line: string): void {
    let o: { component?: unknown; level?: unknown; msg?: unknown; time?: unknown };
    try {
      o = JSON.parse(line) as typeof o;
    } catch {
      return;
    }
    const level = LEVELS[String(o.level)];
    if (typeof o.component !== 'string' || level === undefined) return;
    const time = typeof o.time === 'string' ? Date.parse(o.time) : typeof o.time === 'number' ? o.time : Date.now();
    if (!this.#last.has(o.component) && this.#last.size >= MAX_COMPONENTS) return;
    this.#last.set(o.component, { level, message: String(o.msg ?? ''), time: Number.isFinite(time) ? time : Date.now() });
  }

  /** By the `component` binding of the log line (the node key: `exporter/file/app@logs`). */
  get last(): ReadonlyMap<string, Problem> {
    return this.#last;
  }
}
