"""Turn BenchmarkDotNet's JSON results + pytorch_results.json into the tables of docs/benchmarks.md.

Run after the suite (from the repository root):
    /usr/bin/python3 tests/RnnGen.Benchmarks/peers/make_report.py [BenchmarkDotNet.Artifacts/results] [--ghz 2.6]
Prints markdown: one table per model (ns/call and allocated bytes per engine and case, ratios to
generated), FLOP counts and GFLOP/s for Predict, and the target checks.
"""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from specs import SPECS  # noqa: E402

TYPES = {"LetterBenchmarks": "letter", "Srnn32Benchmarks": "srnn32",
         "Lstm32Benchmarks": "lstm32", "Gru64Benchmarks": "gru64"}
CASES = ["Predict", "ForwardBackward", "TrainBatch", "Step"]
ENGINES = ["Generated", "Dynamic", "Onnx", "OnnxIoBinding"]


def predict_flops(name):
    """Approximate FLOPs of one Predict.

    Counted: 2 per multiply-accumulate of every mat-vec, 1 per bias add, 1 per elementwise
    multiply/add of the cell update, 1 per activation (tanh/sigmoid/exp counted as ONE flop each,
    an undercount of their real cost), softmax 3 per unit.
    """
    kind, t, f, u, d, act = SPECS[name]
    if kind == "rnn":
        step = 2 * u * (f + u) + u + u                     # matvecs, bias, tanh
    elif kind == "lstm":
        step = 2 * 4 * u * (f + u) + 4 * u + 5 * u + 3 * u + u   # matvecs, bias, 3 sigm + 2 tanh, c, h
    else:
        step = 2 * 3 * u * (f + u) + 6 * u + 3 * u + 5 * u  # matvecs, 2 bias rows, 2 sigm + tanh, r*rh + add, h update
    dense = 2 * u * d + d + (3 * d if act == "softmax" else 0)
    return t * step + dense


def load_bdn(folder):
    rows = {}
    for path in glob.glob(os.path.join(folder, "*-report-full.json")):
        with open(path) as fp:
            doc = json.load(fp)
        for b in doc["Benchmarks"]:
            model = TYPES.get(b["Type"])
            if model is None or not b.get("Statistics"):
                continue
            engine, case = b["Method"].split("_", 1)
            mem = (b.get("Memory") or {}).get("BytesAllocatedPerOperation")
            rows[(model, case, engine)] = (b["Statistics"]["Mean"], mem)
    return rows


def fmt_ns(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:,.2f} ms"
    if ns >= 1e4:
        return f"{ns / 1e3:,.1f} µs"
    if ns >= 1e3:
        return f"{ns / 1e3:,.2f} µs"
    return f"{ns:,.1f} ns"


OUT = []


def emit(line=""):
    OUT.append(line)


def main():
    args = [a for a in sys.argv[1:]]
    splice = None
    if "--splice" in args:
        i = args.index("--splice")
        splice = args[i + 1]
        del args[i:i + 2]
    ghz = 2.6
    if "--ghz" in args:
        i = args.index("--ghz")
        ghz = float(args[i + 1])
        del args[i:i + 2]
    folder = args[0] if args else "BenchmarkDotNet.Artifacts/results"
    rows = load_bdn(folder)
    with open(os.path.join(HERE, "pytorch_results.json")) as fp:
        torch_res = json.load(fp)["models"]
    peak_avx2 = 2 * 8 * 2 * ghz
    peak_avx512 = 2 * 16 * 2 * ghz
    torch_case = {"Predict": "predict_eager", "ForwardBackward": "fwdbwd_eager", "TrainBatch": "train_eager"}
    torch_script = {"Predict": "predict_script", "TrainBatch": "train_script"}
    checks = []

    def get(model, case, engine):
        return rows.get((model, case, engine), (None, None))

    for model in SPECS:
        emit(); emit(f"### `{model}`"); emit()
        emit("| case | engine | time / call | allocated | engine / generated |")
        emit("|---|---|---:|---:|---:|")
        for case in CASES:
            gen, _ = get(model, case, "Generated")
            entries = [(e, *get(model, case, e)) for e in ENGINES]
            tc = torch_res.get(model, {})
            if case in torch_case and torch_case[case] in tc:
                entries.append(("PyTorch eager", tc[torch_case[case]]["ns"], None))
            if case in torch_script and torch_script[case] in tc:
                entries.append(("PyTorch TorchScript", tc[torch_script[case]]["ns"], None))
            for engine, ns, mem in entries:
                if ns is None:
                    continue
                ratio = f"{ns / gen:,.1f}x" if gen else "pending"
                alloc = "n/a" if mem is None else f"{mem} B"
                emit(f"| {case} | {engine} | {fmt_ns(ns)} | {alloc} | {ratio} |")
        gen_pred, _ = get(model, "Predict", "Generated")
        flops = predict_flops(model)
        if gen_pred:
            gf = flops / gen_pred
            emit(); emit(f"Predict: {flops:,} FLOP -> {gf:.2f} GFLOP/s generated "
                  f"({100 * gf / peak_avx2:.1f}% of the {peak_avx2:.0f} GFLOP/s AVX2-FMA single-core peak, "
                  f"{100 * gf / peak_avx512:.1f}% of {peak_avx512:.0f} AVX-512).")
        else:
            emit(); emit(f"Predict: {flops:,} FLOP; generated: pending.")

    def ratio(model, case, engine, base="Generated"):
        a, _ = get(model, case, engine)
        b, _ = get(model, case, base)
        return (a / b) if a and b else None

    def best_onnx(model):
        r = [x for x in (ratio(model, "Predict", "Onnx"), ratio(model, "Predict", "OnnxIoBinding")) if x]
        return min(r) if r else None   # the faster ONNX variant: the fair comparison

    def check(label, value, ok, text):
        status = "pending" if value is None else ("MET" if ok(value) else "MISSED")
        checks.append((label, status, "—" if value is None else text(value)))

    gl, _ = get("letter", "Predict", "Generated")
    check("letter Predict >= 100x faster than ONNX Runtime", best_onnx("letter"), lambda v: v >= 100, lambda v: f"{v:,.0f}x")
    check("letter Predict <= 50 ns", gl, lambda v: v <= 50, lambda v: f"{v:.1f} ns")
    check("srnn32 Predict >= 8x ONNX Runtime", best_onnx("srnn32"), lambda v: v >= 8, lambda v: f"{v:,.1f}x")
    check("srnn32 Predict >= 3x dynamic", ratio("srnn32", "Predict", "Dynamic"), lambda v: v >= 3, lambda v: f"{v:,.1f}x")
    check("lstm32 Predict >= 5x ONNX Runtime", best_onnx("lstm32"), lambda v: v >= 5, lambda v: f"{v:,.1f}x")
    for model in SPECS:
        fb, _ = get(model, "ForwardBackward", "Generated")
        pr, _ = get(model, "Predict", "Generated")
        check(f"{model} Forward+Backward <= 3x Predict", fb / pr if fb and pr else None,
              lambda v: v <= 3, lambda v: f"{v:.2f}x")
    tb, _ = get("srnn32", "TrainBatch", "Generated")
    te = torch_res.get("srnn32", {}).get("train_eager", {}).get("ns")
    check("srnn32 training throughput >= 20x PyTorch eager", te / tb if tb and te else None,
          lambda v: v >= 20, lambda v: f"{v:,.1f}x ({32e9 / tb:,.0f} vs {32e9 / te:,.0f} samples/s)")
    targets_at = len(OUT)
    emit("| target | status | measured |")
    emit("|---|---|---|")
    for label, status, text in checks:
        emit(f"| {label} | **{status}** | {text} |")


    tables = "\n".join(OUT[:targets_at]).strip() + "\n"
    targets = "\n".join(OUT[targets_at:]).strip() + "\n"
    if splice is None:
        print(tables)
        print("### Targets\n")
        print(targets)
        return
    # Replace the text between the <!-- results:begin/end --> and <!-- targets:begin/end --> markers.
    with open(splice) as fp:
        doc = fp.read()
    for name, text in (("results", tables), ("targets", targets)):
        begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
        a, b = doc.index(begin) + len(begin), doc.index(end)
        doc = doc[:a] + "\n" + text + doc[b:]
    with open(splice, "w") as fp:
        fp.write(doc)
    print(f"updated {splice}")


if __name__ == "__main__":
    main()
