"""Time the benchmark models in PyTorch on one thread: the peer numbers for docs/benchmarks.md.

Run:  /usr/bin/python3 tests/RnnGen.Benchmarks/peers/pytorch_bench.py [--seconds 1.0]
Cases per model (float32, CPU, torch.set_num_threads(1)):
    predict_eager     batch 1, torch.no_grad(), eager module
    predict_script    batch 1, torch.no_grad(), torch.jit.trace'd module
    fwdbwd_eager      batch 1, forward + loss + backward (zero_grad included)
    train_eager       batch 32, zero_grad + forward + loss + backward + Adam step
    train_script      the same with the traced module
Loss: categorical cross-entropy on the softmax output for `letter`, MSE otherwise (as the C# side).
Writes pytorch_results.json next to this script and prints a table (ns per call, samples/s).
"""
import argparse
import json
import os
import platform
import time
import warnings

import torch

from models import SPECS, build

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 32


def timeit(fn, seconds):
    """Median-of-5 ns per call; each round runs for ~seconds/5 after a warm-up."""
    for _ in range(20):
        fn()
    # Calibrate the count for one round.
    n, t0 = 0, time.perf_counter_ns()
    while time.perf_counter_ns() - t0 < 50e6:
        fn()
        n += 1
    per = (time.perf_counter_ns() - t0) / n
    count = max(1, int(seconds / 5 * 1e9 / per))
    rounds = []
    for _ in range(5):
        t0 = time.perf_counter_ns()
        for _ in range(count):
            fn()
        rounds.append((time.perf_counter_ns() - t0) / count)
    rounds.sort()
    return rounds[2]


def loss_fn(name, y, target):
    if SPECS[name][5] == "softmax":
        return -(target * torch.log(y.clamp(1e-7, 1 - 1e-7))).sum(dim=-1).mean()
    return ((y - target) ** 2).mean()


def bench(name, seconds):
    kind, t, f, u, d, act = SPECS[name]
    model = build(name)
    g = torch.Generator().manual_seed(7)
    x1 = torch.rand(1, t, f, generator=g) * 2 - 1
    xb = torch.rand(BATCH, t, f, generator=g) * 2 - 1
    if act == "softmax":
        idx = torch.randint(0, d, (BATCH,), generator=g)
        yb = torch.nn.functional.one_hot(idx, d).float()
    else:
        yb = torch.rand(BATCH, d, generator=g)
    y1 = yb[:1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(model, (x1,), check_trace=False)
        traced_train = torch.jit.trace(build(name), (xb,), check_trace=False)
    res = {}

    with torch.no_grad():
        res["predict_eager"] = timeit(lambda: model(x1), seconds)
        res["predict_script"] = timeit(lambda: traced(x1), seconds)

    def fwdbwd():
        model.zero_grad(set_to_none=True)
        loss_fn(name, model(x1), y1).backward()

    res["fwdbwd_eager"] = timeit(fwdbwd, seconds)

    def make_train(m):
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)

        def step():
            opt.zero_grad(set_to_none=True)
            loss_fn(name, m(xb), yb).backward()
            opt.step()
        return step

    train_model = build(name)
    train_model.train()
    res["train_eager"] = timeit(make_train(train_model), seconds)
    res["train_script"] = timeit(make_train(traced_train), seconds)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0, help="measured time per case")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    out = {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "batch": BATCH,
        "date": time.strftime("%Y-%m-%d"),
        "models": {},
    }
    print(f"{'model':8} {'case':15} {'ns/call':>12} {'samples/s':>12}")
    for name in SPECS:
        res = bench(name, args.seconds)
        entry = {}
        for case, ns in res.items():
            samples = BATCH if case.startswith("train") else 1
            entry[case] = {"ns": round(ns, 1), "samples_per_s": round(samples * 1e9 / ns, 1)}
            print(f"{name:8} {case:15} {ns:12.0f} {samples * 1e9 / ns:12.0f}")
        out["models"][name] = entry
    with open(os.path.join(HERE, "pytorch_results.json"), "w") as fp:
        json.dump(out, fp, indent=1)


if __name__ == "__main__":
    main()
