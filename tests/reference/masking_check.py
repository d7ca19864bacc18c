"""Re-derives masking_tfjs.json with real PyTorch modules (float64); asserts, writes nothing.

    /usr/bin/python3 tests/reference/masking_check.py

A masked timestep carries the recurrent state unchanged, so (with a zero initial state) a Keras recurrent layer on a
masked sequence is the same layer run on the sub-sequence of its unmasked steps. Per sample, this script drops the
masked steps (mask = the fixture's "masks" row), runs the real nn.Embedding / nn.RNN / nn.LSTM /
nn.LSTM(bidirectional=True) / nn.Linear on what remains (weights converted as layers_pytorch.py and
bidirectional_pytorch.py do), and scatters the per-step outputs back to the T positions:
  * kept step t: the output after the j-th kept step (j = the number of kept steps up to t);
  * masked step: the previous output (zero before the first kept step), or zero inside a Bidirectional returning
    sequences in the Python Keras cases (zeroOutputForMask); "tfjsOutputs" is checked with tfjs's carry rule
    (forward half: the last kept step before t, backward half: the next kept step after t);
  * returnSequences=false: h_n (zero when every step is masked).
Then it compares outputs, per-sample parameter gradients (autograd of sum(output * g), mapped to Keras layout)
and input gradients with the tfjs values, to 1e-5 relative. Cases with a GRU are skipped (tfjs's GRU is
reset_after=false, which no torch module has).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from layers_pytorch import ModuleLayer  # noqa: E402
from bidirectional_pytorch import BidiModule, shapes_of  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-5


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64).reshape(-1), np.asarray(b, dtype=np.float64).reshape(-1)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) if a.size else 0.0


def split(case):
    """Keras-layout parameter arrays per layer."""
    flat, off, d, per = case["parameters"], 0, case["features"], []
    for layer in case["layers"]:
        if layer["kind"] == "Embedding":
            shapes, d = [[layer["inputDim"], layer["outputDim"]]], layer["outputDim"]
        elif layer["kind"] == "Dense":
            shapes, d = shapes_of(layer, d)
        else:
            spec = dict(layer, merge=layer.get("merge", "Concat"))
            shapes, d_out = shapes_of(spec, d)
            if not layer.get("bidirectional"):
                shapes, d_out = shapes[:3], layer["units"]
            d = d_out
        arrs = []
        for s in shapes:
            n = int(np.prod(s))
            arrs.append(np.array(flat[off:off + n]).reshape(s))
            off += n
        per.append(arrs)
    assert off == len(flat)
    return per


def scatter(steps, mask, u, direction):
    """steps: [k, u] outputs at the kept steps; returns [T, u] with masked steps carried (or zero)."""
    T = len(mask)
    kept = [t for t in range(T) if mask[t]]
    rows = []
    for t in range(T):
        if mask[t]:
            rows.append(steps[kept.index(t)])
        elif direction == "zero":
            rows.append(torch.zeros(u))
        elif direction == "forward":
            prev = [j for j, s in enumerate(kept) if s < t]
            rows.append(steps[prev[-1]] if prev else torch.zeros(u))
        else:  # backward: processing order is reversed, the carried output is the next kept step's
            nxt = [j for j, s in enumerate(kept) if s > t]
            rows.append(steps[nxt[0]] if nxt else torch.zeros(u))
    return torch.stack(rows)


def run_sample(case, per, x_raw, mask, g, tfjs_rule):
    tokens = case["mask"]["kind"] == "MaskZero"
    T = case["timesteps"]
    kept = [t for t in range(T) if mask[t]]
    if tokens:
        x = torch.tensor([int(v) for v in x_raw], dtype=torch.long)
    else:
        x = torch.tensor(np.array(x_raw, dtype=np.float64).reshape(T, case["features"]), requires_grad=True)
    mods, y, d = [], x, case["features"]
    for layer, W in zip(case["layers"], per):
        k = layer["kind"]
        if k == "Embedding":
            mod = ModuleLayer(layer, W, None)
            y = mod(y)
            d = layer["outputDim"]
        elif k == "Dense":
            mod = ModuleLayer(layer, W, d)
            y = mod(y)
            d = layer["units"]
        else:
            u = layer["units"]
            bidi = layer.get("bidirectional", False)
            spec = dict(layer, merge=layer.get("merge", "Concat"))
            mod = BidiModule(spec, W, d) if bidi else ModuleLayer(layer, W, d)
            xs = y[kept]
            if bidi:
                if kept:
                    out, hn = mod.m(xs.unsqueeze(0))
                    out = out.squeeze(0)
                    h = hn[0] if isinstance(hn, tuple) else hn
                    last_f, last_b = h[0, 0], h[1, 0]
                else:
                    out, last_f, last_b = torch.zeros(0, 2 * u), torch.zeros(u), torch.zeros(u)
                if layer["returnSequences"]:
                    if tfjs_rule:
                        f = scatter(out[:, :u], mask, u, "forward")
                        b = scatter(out[:, u:], mask, u, "backward")
                    else:
                        f = scatter(out[:, :u], mask, u, "zero")
                        b = scatter(out[:, u:], mask, u, "zero")
                    y = torch.cat([f, b], dim=1) if spec["merge"] == "Concat" else f + b
                else:
                    y = torch.cat([last_f, last_b]) if spec["merge"] == "Concat" else last_f + last_b
                d = 2 * u if spec["merge"] == "Concat" else u
            else:
                if kept:
                    out, _ = mod.m(xs.unsqueeze(0))
                    out = out.squeeze(0)
                else:
                    out = torch.zeros(0, u)
                if layer["returnSequences"]:
                    y = scatter(out, mask, u, "forward")
                else:
                    y = out[-1] if kept else torch.zeros(u)
                d = u
        mods.append(mod)
    for mod in mods:  # an all-masked sample never reaches the recurrent module: its gradient is zero, not None
        for p in mod.m.parameters():
            p.grad = torch.zeros_like(p)
    if y.requires_grad:  # else: every step masked in a Keras zero_output_for_mask case, the output is constant zero
        (y * torch.tensor(np.array(g).reshape(tuple(y.shape)))).sum().backward()
    grads = []
    for mod, W in zip(mods, per):
        gs = mod.keras_grads()
        grads += [gr.detach().numpy() for gr in gs]
    dx = None if tokens else (np.zeros(x.numel()) if x.grad is None else x.grad.numpy().reshape(-1))
    return y.detach().numpy().reshape(-1), np.concatenate([gr.reshape(-1) for gr in grads]), dx


def main():
    data = json.load(open(os.path.join(HERE, "fixtures", "masking_tfjs.json")))
    failures, checked = 0, 0
    for case in data["cases"]:
        if any(l["kind"] == "Gru" for l in case["layers"]):
            print("%-32s skipped: GRU reset_after=false has no torch module" % case["name"])
            continue
        per = split(case)
        worst = 0.0
        for i, (x_raw, mask, g) in enumerate(zip(case["inputs"], case["masks"], case["outputGradients"])):
            out, dp, dx = run_sample(case, per, x_raw, mask, g, tfjs_rule=False)
            worst = max(worst, rel(out, case["outputs"][i]), rel(dp, case["parameterGradients"][i]))
            if dx is not None:
                worst = max(worst, rel(dx, case["inputGradients"][i]))
            if case.get("tfjsOutputs"):
                out_tfjs, _, _ = run_sample(case, per, x_raw, mask, g, tfjs_rule=True)
                worst = max(worst, rel(out_tfjs, case["tfjsOutputs"][i]))
        ok = worst < TOLERANCE
        failures += 0 if ok else 1
        checked += 1
        print("%-32s torch (unmasked steps only) vs tfjs: max rel diff %.2e %s" % (case["name"], worst, "ok" if ok else "MISMATCH"))
    if failures:
        sys.exit("%d masking case(s) disagree with torch beyond %g" % (failures, TOLERANCE))
    print("checked %d cases" % checked)


if __name__ == "__main__":
    main()
