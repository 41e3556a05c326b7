// The exporter helper: what every exporter is built from.
export { exporterHelperFields, sendingQueueSchema, retryOnFailureSchema, defaultHelperConfig, type HelperConfig } from './config.ts';
export { createQueuedExporter, type Sender } from './queued-exporter.ts';
export {
  ExportError,
  toExportError,
  httpStatusError,
  grpcStatusError,
  parseRetryAfter,
  isRetryableHttpStatus,
  isRetryableGrpcCode,
} from '../../net/export-error.ts';
export { reportPartialSuccess } from './partial-success.ts';
export { tlsSchema, headersSchema, compressionSchema, loadTls, type TlsConfig, type TlsMaterial } from '../../net/client-config.ts';
