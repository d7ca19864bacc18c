#!/usr/bin/env python3
"""Start-to-first-prediction and steady Predict time of TinyPredictor builds (docs/benchmarks.md, "NativeAOT").

usage: scripts/measure-tiny-predictor.py LABEL=PATH [LABEL=PATH ...]
For each executable: median over 31 runs of `PATH a` (process start to exit after one prediction), as wall time and
as the child's CPU time (user + sys, from getrusage; a busy machine's preemption does not inflate it); then the median
of 5 runs of `PATH --bench 5000000` (ns per Predict, wall and CPU).
"""
import os, resource, statistics, subprocess, sys, time

def start_to_first_prediction(path, runs=31):
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([path, "a"], check=True, stdout=subprocess.DEVNULL)
        walls.append((time.perf_counter() - t0) * 1e3)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1e3)
    return statistics.median(walls), statistics.median(cpus)

def steady(path, runs=5):
    walls, cpus = [], []
    for _ in range(runs):
        out = subprocess.run([path, "--bench", "5000000"], check=True, capture_output=True, text=True).stdout
        # "123.4 ns per Predict (wall), 120.1 ns (CPU), 5000000 calls"
        parts = out.replace(",", " ").split()
        walls.append(float(parts[0]))
        cpus.append(float(parts[5]))
    return statistics.median(walls), statistics.median(cpus)

print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
print("| build | start-to-first-prediction, wall (ms) | same, CPU (ms) | Predict, wall (ns) | Predict, CPU (ns) |")
print("|---|---:|---:|---:|---:|")
for arg in sys.argv[1:]:
    label, path = arg.split("=", 1)
    w, c = start_to_first_prediction(path)
    pw, pc = steady(path)
    print(f"| {label} | {w:.2f} | {c:.2f} | {pw:.1f} | {pc:.1f} |")
