import type { CreateSettings } from '../../pipeline/component.ts';
import type { PartialSuccess, Signal } from '../../pdata/types.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

/**
 * Counts and logs the items a peer rejected inside a successful export (OTLP partial
 * success). The peer will not take them again, so they are dropped for good.
 */
export function reportPartialSuccess(settings: CreateSettings, signal: Signal, partial: PartialSuccess | undefined): void {
  if (partial === undefined || (partial.rejected === 0 && partial.errorMessage === '')) return;
  const id = settings.id.text;
  if (partial.rejected > 0) settings.metrics.dropped(`exporter/${id}`, signal, Reason.partial_success, partial.rejected);
  settings.logger.warn(
    { exporter: id, signal, reason: Reason.partial_success, items: partial.rejected, error: partial.errorMessage },
    `exporter ${id}: the destination rejected ${partial.rejected} ${signal} items: ${partial.errorMessage || '(no message)'}`,
  );
}
