"""Bidirectional reference values from real PyTorch (float64, autograd).

Writes fixtures/bidirectional_pytorch.json. Run from anywhere:
    /usr/bin/python3 tests/reference/bidirectional_pytorch.py

Each bidirectional layer is ONE torch module, nn.RNN / nn.LSTM / nn.GRU(bidirectional=True, batch_first=True),
holding the Keras-layout weights of a Keras `Bidirectional` wrapper (get_weights() order: the forward layer's
kernel, recurrent_kernel, bias, then the backward layer's), converted as layers_pytorch.py does
(W_ih = kernel^T, W_hh = recurrent_kernel^T, Keras bias in b_ih and zeros in b_hh for RNN/LSTM, GRU blocks
z,r,h <-> r,z,n and the reset_after bias [2, 3u] split into b_ih / b_hh); the backward direction uses the
`*_l0_reverse` tensors. What Keras's Bidirectional returns, in torch terms:
  * returnSequences=false: concat(h_n[0], h_n[1]) -- the forward final state and the backward final state
    (the backward layer's state after reading x[T-1] ... x[0]);
  * returnSequences=true: torch's `output` [T, 2u], already time-aligned (Keras reverses the backward layer's
    output sequence in time before merging; torch's output[t, u:] is the backward state after x[T-1] ... x[t]);
  * merge "Sum": the two halves added with torch ops (output[..., :u] + output[..., u:]).
The module gradients are mapped back to Keras layout (transpose, reorder; the RNN/LSTM bias gradient is
b_ih.grad). A Dense (nn.Linear + activation) follows. Every case is also computed with the explicit Keras-layout
cell loop of layers_pytorch.py run twice (forward, and goBackwards with the output reversed when
returnSequences) and merged; the script asserts both agree to 1e-10.
"""
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402
from layers_pytorch import ModuleLayer, act, explicit_layer, flat, swap_rz  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "bidirectional_pytorch.json")


def rec(kind, units, returnSequences=False, merge="Concat", **extra):
    layer = dict(kind=kind, units=units, activation="tanh", returnSequences=returnSequences, useBias=True,
                 goBackwards=False)
    if kind == "Gru":
        layer["resetAfter"] = True
    layer.update(extra)
    layer["bidirectional"] = True
    layer["merge"] = merge
    return layer


def dense(units, activation="linear"):
    return dict(kind="Dense", units=units, activation=activation, useBias=True)


CASES = [
    ("bidi_torch_srnn", 5, 3, [rec("SimpleRnn", 4), dense(2)]),
    ("bidi_torch_srnn_seq", 4, 2, [rec("SimpleRnn", 3, returnSequences=True), dense(2)]),
    ("bidi_torch_lstm", 5, 3, [rec("Lstm", 4), dense(2)]),
    ("bidi_torch_lstm_seq", 5, 2, [rec("Lstm", 3, returnSequences=True), dense(2, "tanh")]),
    ("bidi_torch_gru", 6, 3, [rec("Gru", 4), dense(2)]),
    ("bidi_torch_gru_seq", 4, 2, [rec("Gru", 3, returnSequences=True), dense(1)]),
    ("bidi_torch_lstm_sum_seq", 5, 3, [rec("Lstm", 3, returnSequences=True, merge="Sum"), dense(2)]),
    ("bidi_torch_gru_sum", 5, 2, [rec("Gru", 4, merge="Sum"), dense(2)]),
    ("bidi_torch_stacked", 5, 3, [rec("Lstm", 4, returnSequences=True), rec("Gru", 3), dense(2)]),
]

GATES = {"SimpleRnn": 1, "Lstm": 4, "Gru": 3}


def shapes_of(layer, d):
    """Keras get_weights() shapes of one layer with d input features; returns (shapes, out_dim)."""
    u = layer["units"]
    if layer["kind"] == "Dense":
        return [[d, u], [u]], u
    g = GATES[layer["kind"]]
    one = [[d, g * u], [u, g * u], [2, 3 * u] if (layer["kind"] == "Gru" and layer.get("resetAfter", True)) else [g * u]]
    return one + one, (2 * u if layer["merge"] == "Concat" else u)


def merge(mode, a, b):
    if mode == "Concat":
        return torch.cat([a, b], dim=-1)
    if mode == "Sum":
        return a + b
    if mode == "Multiply":
        return a * b
    if mode == "Average":
        return 0.5 * (a + b)
    raise ValueError(mode)


class BidiModule:
    """One nn.RNN/LSTM/GRU(bidirectional=True) with Keras-layout weights (forward then backward)."""

    def __init__(self, layer, W, d):
        self.layer = layer
        k, u = layer["kind"], layer["units"]
        if k == "SimpleRnn":
            self.m, self.name = nn.RNN(d, u, nonlinearity="tanh", batch_first=True, bidirectional=True), "nn.RNN(bidirectional)"
        elif k == "Lstm":
            self.m, self.name = nn.LSTM(d, u, batch_first=True, bidirectional=True), "nn.LSTM(bidirectional)"
        else:
            self.m, self.name = nn.GRU(d, u, batch_first=True, bidirectional=True), "nn.GRU(bidirectional)"
        with torch.no_grad():
            for suffix, (K, R, B) in (("_l0", W[0:3]), ("_l0_reverse", W[3:6])):
                K, R, B = torch.tensor(K), torch.tensor(R), torch.tensor(B)
                p = lambda n: getattr(self.m, n + suffix)  # noqa: E731
                if k == "Gru":
                    p("weight_ih").copy_(swap_rz(K.T, u))
                    p("weight_hh").copy_(swap_rz(R.T, u))
                    p("bias_ih").copy_(swap_rz(B[0], u))
                    p("bias_hh").copy_(swap_rz(B[1], u))
                else:
                    p("weight_ih").copy_(K.T)
                    p("weight_hh").copy_(R.T)
                    p("bias_ih").copy_(B)
                    p("bias_hh").zero_()

    def __call__(self, x):
        u = self.layer["units"]
        out, hn = self.m(x.unsqueeze(0))
        if self.layer["returnSequences"]:
            out = out.squeeze(0)  # [T, 2u], time-aligned
            return merge(self.layer["merge"], out[:, :u], out[:, u:])
        h = hn[0] if isinstance(hn, tuple) else hn  # [2, 1, u]
        return merge(self.layer["merge"], h[0, 0], h[1, 0])

    def keras_grads(self):
        k, u = self.layer["kind"], self.layer["units"]
        res = []
        for suffix in ("_l0", "_l0_reverse"):
            g = lambda n: getattr(self.m, n + suffix).grad  # noqa: E731
            if k == "Gru":
                res += [swap_rz(g("weight_ih"), u).T, swap_rz(g("weight_hh"), u).T,
                        torch.stack([swap_rz(g("bias_ih"), u), swap_rz(g("bias_hh"), u)])]
            else:
                res += [g("weight_ih").T, g("weight_hh").T, g("bias_ih")]
        return res


def run_modules(case_layers, params, x_np):
    x = torch.tensor(x_np, requires_grad=True)
    y, i, d, mods = x, 0, x_np.shape[1], []
    for layer in case_layers:
        shapes, d_out = shapes_of(layer, d)
        W = params[i:i + len(shapes)]
        i += len(shapes)
        mod = ModuleLayer(layer, W, d) if layer["kind"] == "Dense" else BidiModule(layer, W, d)
        mods.append(mod)
        y = mod(y)
        d = d_out
    return y, mods, x


def run_explicit(case_layers, params, x_np):
    """Keras's Bidirectional structure with the explicit cell loop of layers_pytorch.py (validation only)."""
    W = [torch.tensor(p, requires_grad=True) for p in params]
    x = torch.tensor(x_np, requires_grad=True)
    y, i, d = x, 0, x_np.shape[1]
    for layer in case_layers:
        shapes, d_out = shapes_of(layer, d)
        w = W[i:i + len(shapes)]
        i += len(shapes)
        if layer["kind"] == "Dense":
            y = explicit_layer(layer, w, y)
        else:
            fwd = explicit_layer(layer, w[0:3], y)
            bwd = explicit_layer(dict(layer, goBackwards=True), w[3:6], y)
            if layer["returnSequences"]:
                bwd = bwd.flip(0)  # Keras reverses the backward layer's output sequence before merging
            y = merge(layer["merge"], fwd, bwd)
        d = d_out
    return y, W, x


def build_case(name, T, F, case_layers):
    seed = zlib.crc32(name.encode())
    rs = np.random.RandomState(seed)
    params, d = [], F
    for layer in case_layers:
        shapes, d = shapes_of(layer, d)
        params += [rs.uniform(-0.5, 0.5, size=s) for s in shapes]
    x_np = rs.uniform(-1.0, 1.0, size=(T, F))

    y, mods, x = run_modules(case_layers, params, x_np)
    g_np = rs.uniform(-1.0, 1.0, size=tuple(y.shape))
    (y * torch.tensor(g_np)).sum().backward()
    grads = [gr for m in mods for gr in m.keras_grads()]

    y2, W2, x2 = run_explicit(case_layers, params, x_np)
    (y2 * torch.tensor(g_np)).sum().backward()
    diffs = [(y - y2).abs().max().item(), (x.grad - x2.grad).abs().max().item()]
    diffs += [(a - b.grad).abs().max().item() for a, b in zip(grads, W2)]
    worst = max(diffs)
    assert worst < 1e-10, "%s: modules and explicit Keras structure disagree by %g" % (name, worst)
    for gr, p in zip(grads, params):
        assert tuple(gr.shape) == p.shape, (name, gr.shape, p.shape)
    print("%-28s seed=%-10d out=%-3d params=%-4d module-vs-explicit max|diff|=%.2e  %s"
          % (name, seed, y.numel(), sum(p.size for p in params), worst, ", ".join(m.name for m in mods)))
    return {
        "name": name,
        "seed": seed,
        "timesteps": T,
        "features": F,
        "layers": case_layers,
        "torchImplementation": [m.name for m in mods],
        "parameters": flat(params),
        "input": flat([x_np]),
        "output": flat([y.detach().numpy()]),
        "outputGradient": flat([g_np]),
        "parameterGradient": flat([gr.detach().numpy() for gr in grads]),
        "inputGradient": flat([x.grad.numpy()]),
    }


def main():
    cases = [build_case(*c) for c in CASES]
    jsonfmt.write(OUT, {
        "generator": "tests/reference/bidirectional_pytorch.py, PyTorch %s, float64 autograd; "
                     "nn.RNN/LSTM/GRU(bidirectional=True) mapped to Keras Bidirectional: returnSequences=false -> "
                     "merge(h_n[0], h_n[1]), returnSequences=true -> merge of torch's time-aligned output halves "
                     "(= Keras with the backward layer's output reversed in time); parameters and gradients in Keras "
                     "Bidirectional get_weights() order (forward kernel, recurrent_kernel, bias, then backward)"
                     % torch.__version__,
        "cases": cases,
    })
    print("wrote", OUT)


if __name__ == "__main__":
    main()
