import { pino, type Logger, type Level } from 'pino';
import type { ProblemLog } from './problems.ts';
import { redactingStream } from './redact.ts';

export type { Logger };
export type LogLevel = Level;

const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * The daemon's own structured logs: JSON lines on stderr. With `problems`, the lines at warn
 * and above are also kept per component for the status page (even when `level` is error).
 * Every line is masked (redact.ts) before it is written or kept: no secret reaches a log.
 */
export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream = process.stderr, problems?: ProblemLog): Logger {
  const options = {
    level,
    base: { service: 'genrf-collector' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label.toUpperCase() }) },
  };
  const out = redactingStream(destination);
  if (problems === undefined) return pino(options, out);
  const lowest = (RANK[level] ?? 30) <= RANK.warn ? level : 'warn';
  return pino(
    { ...options, level: lowest },
    pino.multistream([
      { level, stream: out },
      { level: 'warn', stream: redactingStream(problems) },
    ]),
  );
}

/** A logger that discards everything (for `validate` and tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
