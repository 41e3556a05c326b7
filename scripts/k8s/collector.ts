// genrf-collector on Kubernetes: the manifests of deploy/k8s, typed with kubernetes-models
// (the Kubernetes 1.36 OpenAPI as TypeScript), so that `npm run typecheck` refuses an unknown
// or misspelt field; scripts/gen-k8s.ts writes them as YAML and test/unit/deploy/k8s.test.ts
// validates the files against the same OpenAPI schemas.
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { parseDuration } from '../../src/config/schema-helpers.ts';

export const NAMESPACE = 'genrf';
export const NAME = 'genrf-collector';
export const CONFIG_FILE = 'genrf.yaml';
export const CONFIG_DIR = '/etc/genrf-collector';
const LABELS = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'genrf', 'app.kubernetes.io/component': 'gateway' };
const SELECTOR = { 'app.kubernetes.io/name': NAME };

/** Seconds the pod keeps serving after it is marked for deletion, so that endpoints drop it first. */
export const PRE_STOP_SECONDS = 5;

/** service.shutdown_timeout of the pipeline file (default 10s), in seconds. */
export function shutdownTimeoutSeconds(genrfYaml: string): number {
  const doc = parse(genrfYaml) as { service?: { shutdown_timeout?: string | number } };
  const v = doc.service?.shutdown_timeout ?? '10s';
  return Math.ceil((typeof v === 'number' ? v : parseDuration(v)!) / 1000);
}

/**
 * Kubernetes sends SIGTERM after preStop, then SIGKILL at terminationGracePeriodSeconds: the
 * daemon needs preStop + shutdown_timeout (receivers stop, queues drain, Kafka offsets are
 * committed and the member leaves its group), plus a margin for the process to exit.
 */
export function gracePeriodSeconds(genrfYaml: string): number {
  return PRE_STOP_SECONDS + shutdownTimeoutSeconds(genrfYaml) + 10;
}

export const namespace: INamespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'genrf' } } };

export function configMap(genrfYaml: string): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${NAME}-config`, namespace: NAMESPACE, labels: LABELS, annotations: { 'genrf.dev/source': 'pipelines/genrf.yaml' } },
    data: { [CONFIG_FILE]: genrfYaml },
  };
}

const PORTS = [
  { name: 'otlp-grpc', containerPort: 4317 },
  { name: 'otlp-http', containerPort: 4318 },
  { name: 'self-metrics', containerPort: 8888 },
  { name: 'prom-exporter', containerPort: 8889 },
  { name: 'health', containerPort: 13133 },
];

export function deployment(genrfYaml: string): IDeployment {
  const configHash = createHash('sha256').update(genrfYaml).digest('hex').slice(0, 16);
  const env = (name: string, value: string) => ({ name, value });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: SELECTOR },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: LABELS,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': '8888',
            'prometheus.io/path': '/metrics',
            // A new pipeline file rolls the pods (the ConfigMap alone would not).
            'genrf.dev/config-sha256': configHash,
          },
        },
        spec: {
          terminationGracePeriodSeconds: gracePeriodSeconds(genrfYaml),
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } }],
          containers: [
            {
              name: 'collector',
              image: 'genrf-collector:0.1.0',
              imagePullPolicy: 'IfNotPresent',
              args: ['run', '--config', `${CONFIG_DIR}/${CONFIG_FILE}`],
              ports: PORTS.map((p) => ({ ...p, protocol: 'TCP' })),
              env: [
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                // Listen on the pod's address: the kubelet probes it, Prometheus scrapes it, the Service sends OTLP to it.
                env('GENRF_OTLP_GRPC_ENDPOINT', '$(POD_IP):4317'),
                env('GENRF_OTLP_HTTP_ENDPOINT', '$(POD_IP):4318'),
                env('GENRF_PROMETHEUS_ENDPOINT', '$(POD_IP):8889'),
                env('GENRF_METRICS_ADDRESS', '$(POD_IP):8888'),
                env('GENRF_HEALTH_ENDPOINT', '$(POD_IP):13133'),
                env('GENRF_ENV', 'production'),
                env('GENRF_DATA_DIR', '/data'),
                env('GENRF_KAFKA_GROUP', 'genrf-collector'),
                env('KAFKA_BROKERS', 'kafka.genrf.svc.cluster.local:9092'),
                env('ELASTICSEARCH_URL', 'http://elasticsearch.genrf.svc.cluster.local:9200'),
                env('JAEGER_OTLP_GRPC_ENDPOINT', 'http://jaeger-collector.genrf.svc.cluster.local:4317'),
                // The V8 heap below the container limit; memory_limiter (80% of the cgroup limit) refuses before it.
                env('NODE_OPTIONS', '--max-old-space-size=768'),
              ],
              resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
              // Readiness: /health fails while an exporter cannot reach its backend, so the Service
              // sends OTLP to the other pods; a Kafka topic not created yet is a wait, not a failure.
              readinessProbe: { httpGet: { path: '/health', port: 'health' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
              // Liveness: /health/live answers as long as the daemon does, whatever its backends:
              // a daemon that buffers through an outage is never restarted (it would lose the buffer).
              livenessProbe: { httpGet: { path: '/health/live', port: 'health' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
              startupProbe: { httpGet: { path: '/health/live', port: 'health' }, periodSeconds: 2, failureThreshold: 30 },
              lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'data', mountPath: '/data' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: `${NAME}-config` } },
            // Rotated files, dead letters and the persistent queues (file_storage/audit 1 GiB and
            // file_storage 4 GiB in genrf.yaml): an emptyDir survives a container restart (kill -9,
            // OOM) but not the pod's deletion; use a PersistentVolumeClaim to keep them across that.
            { name: 'data', emptyDir: { sizeLimit: '6Gi' } },
          ],
        },
      },
    },
  };
}

export const service: IService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
  spec: {
    type: 'ClusterIP',
    selector: SELECTOR,
    ports: PORTS.filter((p) => p.name !== 'health').map((p) => ({
      name: p.name,
      port: p.containerPort,
      targetPort: p.name,
      protocol: 'TCP',
      ...(p.name === 'otlp-grpc' ? { appProtocol: 'grpc' } : {}),
    })),
  },
};

/**
 * The same pods by their own addresses (DNS returns every ready pod): OTLP/gRPC clients that
 * balance themselves (`dns:///genrf-collector-headless.genrf:4317` with round_robin) spread
 * their long-lived connections; a ClusterIP balances per connection only.
 */
export const headlessService: IService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: `${NAME}-headless`, namespace: NAMESPACE, labels: LABELS },
  spec: {
    clusterIP: 'None',
    selector: SELECTOR,
    ports: [{ name: 'otlp-grpc', port: 4317, targetPort: 'otlp-grpc', protocol: 'TCP', appProtocol: 'grpc' }],
  },
};

/** The collector's autoscaler: the guide's CPU and memory targets, and the exporters' queue fill. */
export const hpa: IHorizontalPodAutoscaler = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      // From prometheus-adapter (prometheus-adapter-rules.yaml): max over a pod's exporters of
      // otelcol_exporter_queue_size / otelcol_exporter_queue_capacity. Scale out before the
      // queues refuse (they refuse when full; CollectorQueueAlmostFull warns at 80%).
      { type: 'Pods', pods: { metric: { name: 'genrf_collector_exporter_queue_fill' }, target: { type: 'AverageValue', averageValue: '500m' } } },
    ],
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }], selectPolicy: 'Max' },
      // Scaling in moves Kafka partitions (a rebalance) and drains a pod: slowly.
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }], selectPolicy: 'Min' },
    },
  },
};

export const pdb: IPodDisruptionBudget = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
  spec: { minAvailable: 1, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
};

/** prometheus-adapter's rules (its ConfigMap, in the adapter's namespace). */
export function adapterConfigMap(): IConfigMap {
  const rules = `# prometheus-adapter rules for the genRF autoscalers (custom.metrics.k8s.io, Pods metrics).
rules:
  # genrf-collector: the fullest exporter queue of each pod, 0 to 1. The daemon's own metrics
  # (:8888) scraped per pod, with namespace and pod labels (kubernetes_sd, role pod).
  - seriesQuery: 'otelcol_exporter_queue_size{namespace!="",pod!=""}'
    resources:
      overrides:
        namespace: { resource: namespace }
        pod: { resource: pod }
    name:
      matches: "^otelcol_exporter_queue_size$"
      as: "genrf_collector_exporter_queue_fill"
    metricsQuery: |
      max by (<<.GroupBy>>) (
        otelcol_exporter_queue_size{<<.LabelMatchers>>}
          / on (namespace, pod, exporter, data_type)
        (otelcol_exporter_queue_capacity{<<.LabelMatchers>>} > 0)
      )
  # genrf-api: the guide's pending_generations, from the workers' genrf.generation.pending
  # joined to their pod by the recording rule pod:genrf_generation_pending:sum
  # (deploy/prometheus/genrf-recording.yaml).
  - seriesQuery: 'pod:genrf_generation_pending:sum{k8s_namespace_name!="",k8s_pod_name!=""}'
    resources:
      overrides:
        k8s_namespace_name: { resource: namespace }
        k8s_pod_name: { resource: pod }
    name:
      matches: "^pod:genrf_generation_pending:sum$"
      as: "pending_generations"
    metricsQuery: 'sum by (<<.GroupBy>>) (pod:genrf_generation_pending:sum{<<.LabelMatchers>>})'
`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'adapter-config', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus-adapter', 'app.kubernetes.io/part-of': 'genrf' } },
    data: { 'config.yaml': rules },
  };
}
