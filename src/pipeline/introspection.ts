// What the running service tells an extension that shows or steers it (the status page):
// plain data, so that the engine stays free of any component or policy.

/** What triggered a reload. */
export type ReloadTrigger = 'sighup' | 'http' | 'watch';

export interface ReloadOutcome {
  trigger: ReloadTrigger;
  /**
   * reloaded: the new configuration runs. refused: it is not valid; the old one keeps running.
   * failed: it did not start; the previous one was started again. unchanged: a watched file
   * changed but the configuration did not (nothing was restarted). stopping: the daemon is
   * shutting down.
   */
  result: 'reloaded' | 'refused' | 'failed' | 'unchanged' | 'stopping';
  /** Config hash (see Host.configHash) before the reload and after it (equal unless reloaded). */
  hashBefore: string;
  hashAfter: string;
  /** The problems that refused it, formatted as `validate` prints them; or why it failed. */
  errors: string[];
}

/** service.security as it applies to the running config. */
export interface SecurityView {
  classify: unknown;
  sinks: string[];
  scrubbers: string[];
  signals: string[];
  enforce: boolean;
  runtimeGuard: boolean;
  /** Every path security records can take from a receiver to an exporter. */
  paths: SecurityPath[];
  /** The static proof's findings (empty when it holds). */
  findings: string[];
  /** Exporters (`id@signal`) the run-time guard stands in front of. */
  guarded: string[];
}

export interface SecurityPath {
  /** Component ids from the receiver to the exporter. */
  steps: string[];
  /** Pipelines passed, in order. */
  pipelines: string[];
  exporter: string;
  /** The exporter is a listed sink. */
  sink: boolean;
  /** Scrubbers passed on the way. */
  scrubbedBy: string[];
}
