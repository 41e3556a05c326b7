#!/usr/bin/env python3
"""A genRF workload: N workers generating circuits, with the guide's telemetry, over OTLP.

    python examples/genrf/emulate.py --workers 4 --rate 4 --failure-rate 0.05 --duration 60

Each worker is a process with its own resource (service.instance.id genrf-worker-<i>) and its
own SDK providers, as a fleet of workers would be. With --protocol mixed, even workers send
over gRPC and odd ones over HTTP. At the end a JSON summary of what was sent goes to stdout
(circuits, failed, spans, logs, security logs, ...), so that a caller can compare counts.

Needs: opentelemetry-sdk, opentelemetry-exporter-otlp, structlog (requirements.txt; the
virtualenv of scripts/services/up python-otel has them).
"""
import argparse
import json
import multiprocessing
import os
import queue
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--workers", type=int, default=2, help="worker processes")
    p.add_argument("--rate", type=float, default=2.0, help="circuits per second, all workers together")
    p.add_argument("--failure-rate", type=float, default=0.05, help="fraction of generations that fail")
    p.add_argument("--duration", type=float, default=60.0, help="seconds to run (0: until interrupted)")
    p.add_argument("--generation-time", type=float, default=20.0, help="median emulated generation time, seconds")
    p.add_argument("--slow-rate", type=float, default=0.01, help="fraction of generations taking 5-15 minutes")
    p.add_argument("--convergence-failures", type=float, default=0.3, help="mean SPICE convergence failures per generation")
    p.add_argument("--gpu-memory-gib", type=float, default=5.0, help="GPU memory in use (of 8 GiB)")
    p.add_argument("--protocol", choices=["grpc", "http", "mixed"], default="mixed", help="OTLP transport")
    p.add_argument("--grpc-endpoint", default=os.environ.get("GENRF_OTLP_GRPC_ENDPOINT", "127.0.0.1:4317"))
    p.add_argument("--http-endpoint", default=os.environ.get("GENRF_OTLP_HTTP_ENDPOINT", "127.0.0.1:4318"))
    p.add_argument("--export-interval", type=int, default=1000, help="metric export interval, ms")
    p.add_argument("--service-name", default="genrf-worker")
    p.add_argument("--instance-prefix", default="genrf-worker", help="service.instance.id = <prefix>-<i>")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    p.add_argument("--console-level", default="CRITICAL", help="level of the guide's console log handler")
    a = p.parse_args(argv)
    if a.workers < 1 or a.rate < 0 or not 0 <= a.failure_rate <= 1 or not 0 <= a.slow_rate <= 1 or a.generation_time <= 0:
        p.error("workers >= 1, rate >= 0, 0 <= failure-rate, slow-rate <= 1, generation-time > 0")
    return a


def run_worker(index, args, seed, results):
    from genrf import telemetry
    from genrf.generation import Settings, Worker

    protocol = args.protocol if args.protocol != "mixed" else ("grpc" if index % 2 == 0 else "http")
    endpoint = args.grpc_endpoint if protocol == "grpc" else args.http_endpoint
    tel = telemetry.setup(protocol, endpoint, {
        "service.name": args.service_name,
        "service.namespace": "genrf",
        "service.version": "0.9.0",
        "service.instance.id": f"{args.instance_prefix}-{index}",
    }, export_interval_ms=args.export_interval, console_level=args.console_level)
    settings = Settings(failure_rate=args.failure_rate, generation_time=args.generation_time, slow_rate=args.slow_rate,
                        convergence_failures=args.convergence_failures, gpu_memory_gib=args.gpu_memory_gib,
                        rate=args.rate / args.workers)
    rng = random.Random(seed + index)
    worker = Worker(index, settings, rng)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    end = time.monotonic() + args.duration if args.duration > 0 else float("inf")
    next_tick = time.monotonic()
    next_circuit = time.monotonic() + (rng.expovariate(settings.rate) if settings.rate > 0 else float("inf"))
    worker.tick()
    while not stop["now"] and time.monotonic() < end:
        now = time.monotonic()
        if now >= next_tick:
            worker.tick()
            next_tick += 1.0
        if now >= next_circuit:
            worker.generate_circuit(worker.spec())
            next_circuit += rng.expovariate(settings.rate)
            continue
        time.sleep(max(0.0, min(next_tick, next_circuit, end) - time.monotonic()))
    worker.tick()
    tel.shutdown()
    results.put({"worker": index, "protocol": protocol, **worker.counts})


def main(argv=None):
    args = parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=run_worker, args=(i, args, seed, results), name=f"genrf-worker-{i}") for i in range(args.workers)]
    for p in procs:
        p.start()

    def forward(signum, _frame):
        for p in procs:
            if p.is_alive():
                os.kill(p.pid, signal.SIGTERM)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)

    per_worker = []
    while len(per_worker) < len(procs):
        try:
            per_worker.append(results.get(timeout=1))
        except queue.Empty:
            if not any(p.is_alive() for p in procs) and results.empty():
                break  # a worker died without a summary: its exit code says so
    for p in procs:
        p.join()
    total = {}
    for r in per_worker:
        for k, v in r.items():
            if isinstance(v, int) and k != "worker":
                total[k] = total.get(k, 0) + v
    summary = {"seed": seed, "workers": sorted(per_worker, key=lambda r: r["worker"]), "total": total}
    print(json.dumps(summary))
    return 0 if all(p.exitcode == 0 for p in procs) else 1


if __name__ == "__main__":
    sys.exit(main())
