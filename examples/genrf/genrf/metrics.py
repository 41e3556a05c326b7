"""genRF metrics (the guide's genrf/metrics.py) as OpenTelemetry instruments.

The guide declares them with prometheus_client; a worker that sends OTLP declares the same
measurements as OpenTelemetry instruments under OpenTelemetry names, and genrf-collector's
prometheus exporter serves them under the guide's Prometheus names (dots become "_", the unit
becomes a suffix, counters end in _total):

    genrf.circuits.generated  (counter)            -> genrf_circuits_generated_total
    genrf.generation.duration (histogram, s)       -> genrf_generation_duration_seconds_bucket/_sum/_count
    genrf.gpu.memory          (gauge, By)          -> genrf_gpu_memory_bytes

docs/genrf-metrics.md is the contract: every instrument, its unit and attributes, the
Prometheus name, and the dashboard panels and alert rules that read it. The instruments are
created at import, as in the guide; they record once telemetry.setup() has installed the
MeterProvider (before that the API's proxy meter holds them).
"""
from opentelemetry import metrics

meter = metrics.get_meter("genrf.metrics", "1.0.0")

# The guide's buckets travel with the instruments (the SDK's explicit bucket advisory), as
# prometheus_client's `buckets=` does.
GENERATION_BUCKETS = [1, 5, 10, 30, 60, 300, 900]  # 1s to 15min
PERFORMANCE_BUCKETS = [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
SATISFACTION_BUCKETS = [1, 2, 3, 4, 5]

# ---- the guide's metrics ----------------------------------------------------------------

# Generation metrics
circuit_generation_total = meter.create_counter(
    "genrf.circuits.generated", unit="1",
    description="Total circuits generated",
)  # attributes: circuit_type, technology, status (success | failed)

generation_duration = meter.create_histogram(
    "genrf.generation.duration", unit="s",
    description="Time spent generating circuits",
    explicit_bucket_boundaries_advisory=GENERATION_BUCKETS,
)  # attributes: circuit_type, optimization_steps

# SPICE simulation metrics
spice_simulation_total = meter.create_counter(
    "genrf.spice.simulations", unit="1",
    description="Total SPICE simulations run",
)  # attributes: engine, circuit_type, status (converged | failed)

spice_convergence_issues = meter.create_counter(
    "genrf.spice.convergence_failures", unit="1",
    description="SPICE convergence failures",
)  # attributes: circuit_type, failure_type

# Resource metrics
gpu_memory_usage = meter.create_gauge(
    "genrf.gpu.memory", unit="By",
    description="GPU memory usage",
)  # attributes: gpu_id

model_inference_duration = meter.create_histogram(
    "genrf.model.inference", unit="s",
    description="Neural network inference time",
)  # attributes: model_type, batch_size (the SDK's default buckets, as the guide's Histogram)

# Quality metrics
circuit_performance = meter.create_histogram(
    "genrf.circuit.performance",
    description="Generated circuit performance metrics",
    explicit_bucket_boundaries_advisory=PERFORMANCE_BUCKETS,
)  # attributes: metric_type, circuit_type, technology

# Business metrics
user_satisfaction = meter.create_histogram(
    "genrf.user.satisfaction_score", unit="1",
    description="User satisfaction ratings",
    explicit_bucket_boundaries_advisory=SATISFACTION_BUCKETS,
)  # attributes: feature

# ---- metrics the guide's dashboards need and it does not define (docs/genrf-metrics.md) ----

OPTIMIZATION_BUCKETS = [10, 25, 50, 100, 250, 500, 1000]
FREQUENCY_BUCKETS = [1e9, 2.4e9, 6e9, 12e9, 30e9, 60e9, 110e9]  # L/S, C, X, Ku..Ka, V, W bands
QUEUE_WAIT_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 300]
RECOVERY_BUCKETS = [1, 5, 10, 30, 60, 300, 900, 3600]

optimization_iterations = meter.create_histogram(
    "genrf.optimization.iterations", unit="{iteration}",
    description="Parameter optimization iterations per generation",
    explicit_bucket_boundaries_advisory=OPTIMIZATION_BUCKETS,
)  # attributes: circuit_type

circuit_frequency = meter.create_histogram(
    "genrf.circuit.frequency", unit="Hz",
    description="Target frequency of the circuits requested",
    explicit_bucket_boundaries_advisory=FREQUENCY_BUCKETS,
)  # attributes: circuit_type, status (success | failed)

queue_wait = meter.create_histogram(
    "genrf.queue.wait_time", unit="s",
    description="Time a request waited in a queue before processing",
    explicit_bucket_boundaries_advisory=QUEUE_WAIT_BUCKETS,
)  # attributes: queue (generation | simulation | export)

exports_total = meter.create_counter(
    "genrf.exports", unit="{export}",
    description="Designs exported, by format",
)  # attributes: format (spice | verilog_a | touchstone | gds | json)

feature_usage_total = meter.create_counter(
    "genrf.feature.usage", unit="{use}",
    description="Uses of a product feature",
)  # attributes: feature

errors_total = meter.create_counter(
    "genrf.errors", unit="{error}",
    description="Errors, by the component that raised them",
)  # attributes: component (topology | optimizer | spice | model | export), error_type

recovery_duration = meter.create_histogram(
    "genrf.recovery.duration", unit="s",
    description="Time from a component's failure to its next success",
    explicit_bucket_boundaries_advisory=RECOVERY_BUCKETS,
)  # attributes: component

# Levels read when the SDK collects (observable gauges): the worker updates STATE.
STATE = {
    "active_users": 0,
    "active_sessions": 0,
    "feature_users": {},     # feature -> users who used it in the last hour
    "queue_depth": {},       # queue -> requests waiting
    "pending": 0,            # generations accepted, not finished (the HPA's pending_generations)
    "cpu_utilization": 0.0,  # 0..1
    "gpu_utilization": {},   # gpu_id -> 0..1
    "memory_rss": 0,         # bytes
}


def _observe(key, attribute=None):
    def callback(_options):
        value = STATE[key]
        if attribute is None:
            return [metrics.Observation(value)]
        return [metrics.Observation(v, {attribute: k}) for k, v in sorted(value.items())]
    return callback


meter.create_observable_gauge(
    "genrf.users.active", callbacks=[_observe("active_users")], unit="{user}",
    description="Users active in the last 5 minutes")
meter.create_observable_gauge(
    "genrf.sessions.active", callbacks=[_observe("active_sessions")], unit="{session}",
    description="Open user sessions")
meter.create_observable_gauge(
    "genrf.feature.active_users", callbacks=[_observe("feature_users", "feature")], unit="{user}",
    description="Users who used a feature in the last hour")
meter.create_observable_gauge(
    "genrf.queue.depth", callbacks=[_observe("queue_depth", "queue")], unit="{request}",
    description="Requests waiting in a queue")
meter.create_observable_gauge(
    "genrf.generation.pending", callbacks=[_observe("pending")], unit="{generation}",
    description="Generations accepted and not finished")
meter.create_observable_gauge(
    "genrf.cpu.utilization", callbacks=[_observe("cpu_utilization")], unit="1",
    description="CPU utilization of the worker, 0 to 1")
meter.create_observable_gauge(
    "genrf.gpu.utilization", callbacks=[_observe("gpu_utilization", "gpu_id")], unit="1",
    description="GPU utilization, 0 to 1")
meter.create_observable_gauge(
    "genrf.process.memory", callbacks=[_observe("memory_rss")], unit="By",
    description="Resident memory of the worker process")
