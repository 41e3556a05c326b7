import { pino, type Logger, type Level } from 'pino';

export type { Logger };
export type LogLevel = Level;

/** The daemon's own structured logs: JSON lines on stderr. */
export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { service: 'genrf-collector' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
    },
    destination,
  );
}

/** A logger that discards everything (for `validate` and tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
