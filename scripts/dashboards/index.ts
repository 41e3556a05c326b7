// The four dashboards of the observability guide, by file name under deploy/grafana/dashboards.
import type { Dashboard } from '@grafana/schema';
import { business } from './business.ts';
import { errors } from './errors.ts';
import { performance } from './performance.ts';
import { systemHealth } from './system-health.ts';

export const DASHBOARDS: Record<string, Dashboard> = {
  'genrf-system-health.json': systemHealth,
  'genrf-performance.json': performance,
  'genrf-business.json': business,
  'genrf-errors.json': errors,
};
