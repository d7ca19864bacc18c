"""Re-derives layers_bidirectional.json (tfjs) with PyTorch (float64); asserts, writes nothing.

    /usr/bin/python3 tests/reference/bidirectional_check.py

Each tfjs case is rebuilt with the same (float32-rounded) parameters, input and g: SimpleRnn and sigmoid-gated Lstm
bidirectional layers as one real nn.RNN / nn.LSTM(bidirectional=True) (bidirectional_pytorch.BidiModule, every merge
mode in torch ops), GRU resetAfter=false (no torch module) as the explicit Keras-layout loop of layers_pytorch.py run
forward and goBackwards (output reversed in time when returnSequences), the hardSigmoid LSTM with the explicit
loop of layers_pytorch_gates.py; Dense as nn.Linear + activation. Output, dParameters (Keras layout) and dInput must
agree with tfjs to 1e-5 relative. For the hardSigmoid cases the script also asserts every gate argument is at
least 1e-3 from the kinks at +-2.5, and inside (-2.5, 2.5) for bidi_lstm_hard_sigmoid (the narrow draw).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layers_pytorch_gates as gates  # noqa: E402
from bidirectional_pytorch import BidiModule, merge, shapes_of  # noqa: E402
from layers_pytorch import ModuleLayer, explicit_layer  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-5
KINK_MARGIN = 1e-3


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64).reshape(-1), np.asarray(b, dtype=np.float64).reshape(-1)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


class ExplicitBidi:
    """Keras Bidirectional around an explicit cell loop (GRU reset-before, or gates with hardSigmoid)."""

    def __init__(self, layer, W, forward):
        self.layer, self.forward = layer, forward
        self.W = [torch.tensor(w, requires_grad=True) for w in W]
        self.name = "explicit"

    def __call__(self, x):
        f = self.forward(self.layer, self.W[0:3], x)
        b = self.forward(dict(self.layer, goBackwards=True), self.W[3:6], x)
        if self.layer["returnSequences"]:
            b = b.flip(0)
        return merge(self.layer["merge"], f, b)

    def keras_grads(self):
        return [w.grad for w in self.W]


def main():
    data = json.load(open(os.path.join(HERE, "fixtures", "layers_bidirectional.json")))
    failures = 0
    for c in data["cases"]:
        flat, off, d = c["parameters"], 0, c["features"]
        x = torch.tensor(np.array(c["input"]).reshape(c["timesteps"], c["features"]), requires_grad=True)
        y, mods, impl = x, [], []
        gates.ARGS.clear()
        for layer in c["layers"]:
            shapes, d_out = shapes_of(layer, d)
            W = []
            for s in shapes:
                n = int(np.prod(s))
                W.append(np.array(flat[off:off + n]).reshape(s))
                off += n
            if layer["kind"] == "Dense":
                mod = ModuleLayer(layer, W, d)
            elif layer.get("recurrentActivation") == "hardSigmoid":
                mod = ExplicitBidi(layer, W, gates.layer_forward)
                mod.name = "explicit(hardSigmoid)"
            elif layer["kind"] == "Gru":
                assert not layer["resetAfter"]
                mod = ExplicitBidi(layer, W, explicit_layer)
            else:
                mod = BidiModule(layer, W, d)
            mods.append(mod)
            impl.append(mod.name)
            y = mod(y)
            d = d_out
        assert off == len(flat)
        (y * torch.tensor(np.array(c["outputGradient"]).reshape(tuple(y.shape)))).sum().backward()
        grads = np.concatenate([g.detach().numpy().reshape(-1) for m in mods for g in m.keras_grads()])
        worst = max(rel(y.detach().numpy(), c["output"]), rel(grads, c["parameterGradient"]),
                    rel(x.grad.numpy(), c["inputGradient"]))
        note = ""
        if gates.ARGS:
            args = torch.cat(gates.ARGS).abs()
            kink = float((args - 2.5).abs().min())
            saturated = int((args > 2.5).sum())
            assert kink >= KINK_MARGIN, "%s: a hardSigmoid argument is %g from a kink" % (c["name"], kink)
            if not c["name"].endswith("_wide"):
                assert saturated == 0, "%s: %d hardSigmoid arguments saturate" % (c["name"], saturated)
            note = "; %d/%d hardSigmoid arguments saturated, nearest kink %.1e" % (saturated, args.numel(), kink)
        ok = worst < TOLERANCE
        failures += 0 if ok else 1
        print("%-26s torch vs tfjs max rel diff %.2e %s (%s)%s" % (c["name"], worst, "ok" if ok else "MISMATCH",
                                                              ", ".join(impl), note))
    if failures:
        sys.exit("%d case(s) disagree with torch beyond %g" % (failures, TOLERANCE))


if __name__ == "__main__":
    main()
