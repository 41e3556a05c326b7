"""Circuit generation as a genRF worker runs it, with the guide's telemetry.

Nothing is designed here: the phases take emulated time (drawn from the configured
distribution, seconds to minutes) and the spans carry those times, so a run of a minute shows
the guide's generation times, percentiles and slow generations without waiting for them.
Every generation gives the guide's trace tree: generate_circuit with topology_generation,
parameter_optimization and spice_validation as children.
"""
import math
import os
import time
from dataclasses import dataclass

import structlog
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from . import metrics as m

tracer = trace.get_tracer("genrf.generation", "1.0.0")

api_log = structlog.get_logger("genrf.api")
log = structlog.get_logger("genrf.generation")
spice_log = structlog.get_logger("genrf.spice")
auth_log = structlog.get_logger("genrf.security.auth")
audit_log = structlog.get_logger("genrf.security.audit")

CIRCUIT_TYPES = ["LNA", "Mixer", "VCO", "PA", "Filter"]
CIRCUIT_WEIGHTS = [35, 20, 20, 15, 10]
TECHNOLOGIES = ["tsmc65", "tsmc28", "gf22fdx", "sky130"]
# Failures cluster by process, as they do: tsmc65's models converge worst. The weights average
# 1, so --failure-rate stays the overall rate (the Error Analysis dashboard shows the pattern).
FAILURE_WEIGHT = {"tsmc65": 2.0, "sky130": 1.2, "tsmc28": 0.4, "gf22fdx": 0.4}
BANDS_HZ = {"LNA": (1e9, 30e9), "Mixer": (2e9, 60e9), "VCO": (1e9, 40e9), "PA": (0.8e9, 28e9), "Filter": (0.5e9, 12e9)}
ENGINES = ["ngspice", "spectre"]
FAILURE_TYPES = ["timestep_too_small", "gmin_stepping_failed", "source_stepping_failed"]
EXPORT_FORMATS = ["spice", "verilog_a", "touchstone", "gds", "json"]
FEATURES = ["topology_search", "auto_optimize", "spice_validation", "export", "batch_mode"]
ERROR_TYPES = {"spice": "convergence_failure", "optimizer": "spec_not_met", "model": "cuda_out_of_memory"}
METRIC_TYPES = {"gain_db": (5, 25), "noise_figure_db": (0.5, 4), "power_mw": (1, 40)}


@dataclass
class Settings:
    failure_rate: float = 0.05          # fraction of generations that fail
    generation_time: float = 20.0       # median emulated generation time, seconds
    slow_rate: float = 0.01             # fraction taking 5-15 minutes (SlowGenerationTime)
    convergence_failures: float = 0.3   # mean SPICE convergence failures per generation
    gpu_memory_gib: float = 5.0         # GPU memory in use, of 8 GiB (HighGPUMemoryUsage above 7.2)
    rate: float = 1.0                   # this worker's generations per second


@dataclass
class Spec:
    circuit_type: str
    technology: str
    frequency: float
    optimization_steps: int
    user_id: str
    session_id: str
    email: str
    client_ip: str


class Worker:
    """One worker's generations and the levels its gauges report."""

    def __init__(self, index, settings, rng):
        self.index = index
        self.s = settings
        self.rng = rng
        self.counts = {"circuits": 0, "failed": 0, "slow": 0, "spans": 0, "logs": 0, "security_logs": 0,
                       "convergence_failures": 0, "exports": 0}
        self.failed_since = {}  # component -> time of its first failure since the last success
        self.sessions = {}
        self.users = [f"u-{index}{n:03d}" for n in range(40)]

    # ---- requests --------------------------------------------------------------------

    def spec(self):
        r = self.rng
        ctype = r.choices(CIRCUIT_TYPES, CIRCUIT_WEIGHTS)[0]
        low, high = BANDS_HZ[ctype]
        user = r.choice(self.users)
        session = self.sessions.get(user)
        n = int(user[2:])
        email, ip = f"designer.{n}@genrf-users.example", f"203.0.113.{n % 250 + 1}"
        if session is None or r.random() < 0.05:
            session = f"s-{r.getrandbits(48):012x}"
            self.sessions[user] = session
            auth_log.info("user login", user_id=user, email=email, client_ip=ip, session_id=session)
            self.counts["security_logs"] += 1
        return Spec(ctype, r.choice(TECHNOLOGIES), round(math.exp(r.uniform(math.log(low), math.log(high))), -6),
                    r.choice([50, 100, 200]), user, session, email, ip)

    def plan(self):
        """Emulated phase durations in seconds: topology, optimization, SPICE."""
        r = self.rng
        if r.random() < self.s.slow_rate:
            total = r.uniform(320, 900)
        else:
            total = min(1200.0, max(0.5, r.lognormvariate(math.log(self.s.generation_time), 0.6)))
        return total * 0.1, total * 0.6, total * 0.3

    # ---- one generation ---------------------------------------------------------------

    def generate_circuit(self, spec):
        r = self.rng
        topo_s, opt_s, spice_s = self.plan()
        total = topo_s + opt_s + spice_s
        end = time.time_ns()
        t = end - int(total * 1e9)
        fails = r.random() < self.s.failure_rate * FAILURE_WEIGHT[spec.technology]
        component = r.choices(["spice", "optimizer", "model"], [6, 3, 1])[0] if fails else None
        common = {"circuit_type": spec.circuit_type, "technology": spec.technology}

        api_log.info("generation request", user_id=spec.user_id, session_id=spec.session_id,
                     frequency=spec.frequency, optimization_steps=spec.optimization_steps, **common)
        self.counts["logs"] += 1
        for feature in r.sample(FEATURES, r.randint(1, 3)):
            m.feature_usage_total.add(1, {"feature": feature})

        with tracer.start_as_current_span("generate_circuit", start_time=t, end_on_exit=False) as span:
            span.set_attribute("circuit.type", spec.circuit_type)
            span.set_attribute("circuit.frequency", spec.frequency)
            span.set_attribute("technology", spec.technology)
            span.set_attribute("user_id", spec.user_id)

            with tracer.start_as_current_span("topology_generation", start_time=t, end_on_exit=False) as s:
                batch = r.choice([16, 32, 64])
                for _ in range(r.randint(1, 4)):
                    m.model_inference_duration.record(r.lognormvariate(math.log(0.05 * batch / 32), 0.4),
                                                      {"model_type": "cvae", "batch_size": str(batch)})
                s.set_attribute("model.type", "cvae")
                t += int(topo_s * 1e9)
                s.end(end_time=t)

            with tracer.start_as_current_span("parameter_optimization", start_time=t, end_on_exit=False) as s:
                iterations = max(1, int(r.gauss(spec.optimization_steps * 1.5, spec.optimization_steps * 0.4)))
                m.optimization_iterations.record(iterations, {"circuit_type": spec.circuit_type})
                s.set_attribute("optimization.iterations", iterations)
                if component in ("optimizer", "model"):
                    message = "optimization did not meet the specification" if component == "optimizer" else "model inference failed: CUDA out of memory"
                    s.set_status(Status(StatusCode.ERROR, message))
                t += int(opt_s * 1e9)
                s.end(end_time=t)

            with tracer.start_as_current_span("spice_validation", start_time=t, end_on_exit=False) as s:
                engine = r.choice(ENGINES)
                s.set_attribute("spice_engine", engine)
                self._spice(spec, engine, component == "spice")
                if component == "spice":
                    s.set_status(Status(StatusCode.ERROR, "convergence failure in transient analysis"))
                s.end(end_time=end)

            status = "failed" if fails else "success"
            if fails:
                message = {"spice": "convergence failure in transient analysis",
                           "optimizer": "optimization did not meet the specification",
                           "model": "model inference failed: CUDA out of memory"}[component]
                span.set_status(Status(StatusCode.ERROR, message))
                log.error("generation failed", error=message, component=component, generation_time=round(total, 3),
                          user_id=spec.user_id, session_id=spec.session_id, **common)
                m.errors_total.add(1, {"component": component, "error_type": ERROR_TYPES[component]})
                self.failed_since.setdefault(component, time.time())
                self.counts["failed"] += 1
            else:
                log.info("generation complete", generation_time=round(total, 3), user_id=spec.user_id,
                         session_id=spec.session_id, **common)
                if total > 300:
                    log.warning("slow generation", generation_time=round(total, 3), **common)
                    self.counts["logs"] += 1
                for comp, since in list(self.failed_since.items()):
                    m.recovery_duration.record(time.time() - since, {"component": comp})
                    del self.failed_since[comp]
                for metric_type, (lo, hi) in METRIC_TYPES.items():
                    m.circuit_performance.record(r.uniform(lo, hi), {"metric_type": metric_type, **common})
            span.end(end_time=end)
        self.counts["logs"] += 1
        self.counts["spans"] += 4
        self.counts["circuits"] += 1
        if total > 300:
            self.counts["slow"] += 1  # over the 300 s bucket, failed or not

        m.circuit_generation_total.add(1, {**common, "status": status})
        m.generation_duration.record(total, {"circuit_type": spec.circuit_type, "optimization_steps": str(spec.optimization_steps)})
        m.circuit_frequency.record(spec.frequency, {"circuit_type": spec.circuit_type, "status": status})
        if not fails:
            self._after(spec)

    def _spice(self, spec, engine, fails):
        r = self.rng
        sims = r.randint(3, 8)
        failures = self._poisson(self.s.convergence_failures)
        self.counts["convergence_failures"] += failures
        for i in range(failures):
            failure_type = r.choice(FAILURE_TYPES)
            m.spice_convergence_issues.add(1, {"circuit_type": spec.circuit_type, "failure_type": failure_type})
            if i < 2:
                spice_log.warning("convergence issue, retrying with smaller timestep", failure_type=failure_type,
                                  spice_engine=engine, circuit_type=spec.circuit_type, technology=spec.technology)
                self.counts["logs"] += 1
        m.spice_simulation_total.add(sims - (1 if fails else 0), {"engine": engine, "circuit_type": spec.circuit_type, "status": "converged"})
        if fails:
            m.spice_simulation_total.add(1, {"engine": engine, "circuit_type": spec.circuit_type, "status": "failed"})
            spice_log.error("convergence failure in transient analysis", error="SPICE: timestep too small in transient analysis",
                            spice_engine=engine, user_id=spec.user_id,
                            session_id=spec.session_id, circuit_type=spec.circuit_type, technology=spec.technology)
            self.counts["logs"] += 1

    def _after(self, spec):
        """What a user does with a finished design: export it, rate it."""
        r = self.rng
        if r.random() < 0.5:
            fmt = r.choices(EXPORT_FORMATS, [40, 20, 20, 10, 10])[0]
            m.exports_total.add(1, {"format": fmt})
            audit_log.info("design exported", user_id=spec.user_id, email=spec.email, client_ip=spec.client_ip,
                           format=fmt, circuit_type=spec.circuit_type)
            self.counts["security_logs"] += 1
            self.counts["exports"] += 1
        if r.random() < 0.2:
            m.user_satisfaction.record(r.choices([1, 2, 3, 4, 5], [2, 3, 10, 40, 45])[0], {"feature": r.choice(FEATURES)})
        if r.random() < 0.02:
            auth_log.warning("access denied: API token expired", user_id=spec.user_id, email=spec.email, client_ip=spec.client_ip,
                             authorization="Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTQyIn0.dGhpc2lzbm90YXJlYWxzaWduYXR1cmU")
            self.counts["security_logs"] += 1

    def _poisson(self, mean):
        # Knuth's method; means here are small.
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    # ---- levels -----------------------------------------------------------------------

    def tick(self):
        """Updates the levels the gauges report (called about once a second)."""
        r, s = self.rng, self.s
        pending = max(0, int(r.gauss(s.rate * s.generation_time, math.sqrt(max(1.0, s.rate * s.generation_time)))))
        m.STATE["pending"] = pending
        m.STATE["queue_depth"] = {"generation": pending, "simulation": int(pending * 0.6), "export": r.randint(0, 3)}
        m.queue_wait.record(r.expovariate(1 / max(0.1, pending / max(s.rate, 0.01) / 10)), {"queue": "generation"})
        m.STATE["active_users"] = len({u for u in self.sessions})
        m.STATE["active_sessions"] = len(self.sessions)
        m.STATE["feature_users"] = {f: max(1, int(len(self.sessions) * share)) for f, share in zip(FEATURES, [0.9, 0.7, 0.8, 0.4, 0.15])}
        m.STATE["cpu_utilization"] = min(1.0, max(0.0, r.gauss(0.55, 0.1)))
        m.STATE["gpu_utilization"] = {"0": min(1.0, max(0.0, r.gauss(0.7, 0.1)))}
        m.STATE["memory_rss"] = _rss_bytes()
        m.gpu_memory_usage.set(int(s.gpu_memory_gib * 2**30 * r.uniform(0.97, 1.0)), {"gpu_id": "0"})


def _rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0
