import { z } from 'zod';
import { endpoint } from '../../config/schema-helpers.ts';
import { serverSecurityFields } from '../../net/tls-config.ts';

export const healthCheckConfig = z
  .strictObject({
    /** Where /health is served. Default 127.0.0.1:13133. */
    endpoint: endpoint('127.0.0.1:13133').describe('host:port to serve the health check on'),
    /** The URL path of the check. Default /health (the observability guide's path). */
    path: z.string().startsWith('/').default('/health').describe('URL path of the health check'),
    /**
     * The liveness check: 200 for as long as the daemon answers, whatever its components say
     * (an exporter whose backend is down is buffering, not dead). Default /health/live; "" = off.
     */
    liveness_path: z
      .union([z.literal(''), z.string().startsWith('/')])
      .default('/health/live')
      .describe('URL path of the liveness check ("" = none)'),
    ...serverSecurityFields(),
  })
  .refine((c) => c.liveness_path !== c.path, { path: ['liveness_path'], message: 'liveness_path must differ from path' });

export type HealthCheckConfig = z.output<typeof healthCheckConfig>;

export const healthCheckListeners = (c: HealthCheckConfig) => [{ path: [], endpoint: c.endpoint, tls: c.tls !== undefined, authenticator: c.auth?.authenticator }];
