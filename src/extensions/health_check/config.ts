import { z } from 'zod';
import { endpoint } from '../../config/schema-helpers.ts';

export const healthCheckConfig = z.strictObject({
  /** Where /health is served. Default 127.0.0.1:13133. */
  endpoint: endpoint('127.0.0.1:13133').describe('host:port to serve the health check on'),
  /** The URL path of the check. Default /health (the observability guide's path). */
  path: z.string().startsWith('/').default('/health').describe('URL path of the health check'),
});

export type HealthCheckConfig = z.output<typeof healthCheckConfig>;
