"""Summarize a JIT log: did any generated model method end in MinOpts / Tier0?

Produce the log by running benchmarks in process with the JIT summary on (from the repo root):
    dotnet build tests/RnnGen.Benchmarks -c Release
    DOTNET_JitStdOutFile=/tmp/jit.txt DOTNET_JitDisasmSummary=1 \
      dotnet tests/RnnGen.Benchmarks/bin/Release/net10.0/RnnGen.Benchmarks.dll \
      --filter '*Generated*' --quick --inProcess
    python3 tests/RnnGen.Benchmarks/jit_check.py /tmp/jit.txt
Prints, per generated model class (LetterModel, Srnn32Model, Lstm32Model, Gru64Model), each method's final tier, its IL size
and whether any compilation of it was MinOpts. Exits 1 if any compilation of a generated method was MinOpts
(the JIT gave up on it). Methods the filtered benchmarks do not call stay Tier0, which is expected;
"Tier-0 switched to FullOpts" means optimized at once (a method with loops that OSR cannot take).
"""
import re
import sys

LINE = re.compile(r"JIT compiled (?P<cls>[\w.`\[\]]+):(?P<meth>[^(]+)\((?P<sig>.*)\) \[(?P<tier>[^,\]]+)(?:, IL size=(?P<il>\d+))?")


def main(path):
    methods = {}
    with open(path, errors="replace") as fp:
        for line in fp:
            m = LINE.search(line)
            if not m or not re.search(r"RnnGen\.Benchmarks\.(Letter|Srnn32|Lstm32|Gru64)Model$", m["cls"]):
                continue
            key = (m["cls"].rsplit(".", 1)[1], f"{m['meth']}({m['sig'].count(',') + 1 if m['sig'] else 0})")
            entry = methods.setdefault(key, {"tiers": [], "il": 0, "minopts": False})
            entry["tiers"].append(m["tier"])
            entry["il"] = max(entry["il"], int(m["il"] or 0))
            entry["minopts"] |= "MinOpts" in m["tier"]
    bad = 0
    print(f"{'class':14} {'method(arity)':40} {'IL':>6} {'final tier':36} MinOpts")
    for (cls, meth), e in sorted(methods.items()):
        final = e["tiers"][-1]
        flag = "YES" if e["minopts"] else "no"
        # A method only run by [GlobalSetup] (or not by the filtered benchmarks) legitimately stays
        # Tier0; what must never happen is MinOpts (the JIT gave up optimizing: method too large).
        if e["minopts"]:
            bad += 1
            flag += "  <-- check"
        print(f"{cls:14} {meth:40} {e['il']:6} {final:36} {flag}")
    print(f"\n{len(methods)} generated methods, {bad} problem(s).")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/jit.txt"))
