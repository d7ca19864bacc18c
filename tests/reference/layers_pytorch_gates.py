"""Reference values for recurrent_activation from real PyTorch (float64, autograd), for what TensorFlow.js cannot express.

TensorFlow.js has no reset_after GRU, so layers_tfjs_defaults.js cannot hold a GRU(reset_after=True) with
hard_sigmoid gates; no torch module has Keras's hard_sigmoid (clip(0.2 x + 0.5, 0, 1); torch's nn.Hardsigmoid is
relu6(x + 3) / 6). These cases are computed by an explicit torch cell loop on the Keras-layout tensors (the loop of
layers_pytorch.py, whose sigmoid gates it validates against nn.LSTM / nn.GRU, with the gate activation made a
parameter), and autograd gives Keras-layout gradients. torch.clamp's gradient, like TensorFlow's clip_by_value,
passes where the argument is inside [min, max], bounds included.

Draws are wide (parameters uniform(-1.5, 1.5), inputs uniform(-3, 3)) so many gates saturate; a draw that puts a
hard_sigmoid argument within 1e-3 of the kinks at +-2.5 is rejected (next seed). Writes fixtures/layers_pytorch_gates.json
in the format of layers_pytorch.json (plus "recurrentActivation" on Lstm and Gru layers).

    /usr/bin/python3 tests/reference/layers_pytorch_gates.py
"""
import os
import sys
import zlib

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402
from layers_pytorch import counts, flat, tensor_shapes  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "layers_pytorch_gates.json")
KINK_MARGIN = 1e-3

ARGS = []  # every hard_sigmoid argument of the current draw


def act(name, a):
    if name == "hardSigmoid":
        ARGS.append(a.detach().reshape(-1))
        return torch.clamp(0.2 * a + 0.5, 0.0, 1.0)
    return {"linear": lambda v: v, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
            "softmax": lambda v: torch.softmax(v, dim=-1)}[name](a)


def lstm(units, rec="hardSigmoid", **kw):
    return dict(kind="Lstm", units=units, activation=kw.get("activation", "tanh"), returnSequences=kw.get("returnSequences", False),
                useBias=kw.get("useBias", True), goBackwards=kw.get("goBackwards", False), recurrentActivation=rec)


def gru(units, rec="hardSigmoid", **kw):
    return dict(kind="Gru", units=units, activation=kw.get("activation", "tanh"), returnSequences=kw.get("returnSequences", False),
                useBias=kw.get("useBias", True), goBackwards=kw.get("goBackwards", False), resetAfter=kw.get("resetAfter", True),
                recurrentActivation=rec)


def dense(units, activation="linear"):
    return dict(kind="Dense", units=units, activation=activation, useBias=True)


def emb(inputDim, outputDim):
    return dict(kind="Embedding", inputDim=inputDim, outputDim=outputDim)


CASES = [
    ("gru_reset_after_hard_sigmoid", 5, 3, [gru(4), dense(2)]),
    ("gru_reset_after_hard_sigmoid_nobias_backwards", 4, 2,
     [gru(3, returnSequences=True, goBackwards=True, useBias=False), dense(1, "hardSigmoid")]),
    ("gru_lanes21_hard_sigmoid", 4, 3, [gru(21, returnSequences=True), dense(2)]),
    ("emb_lstm_hard_sigmoid", 6, 3, [emb(9, 3), lstm(5), dense(2, "softmax")]),
]


def layer_forward(layer, W, x):
    k = layer["kind"]
    if k == "Embedding":
        return W[0][x]
    if k == "Dense":
        y = x @ W[0] + W[1]
        return act(layer["activation"], y)
    u, a, rec = layer["units"], layer["activation"], layer["recurrentActivation"]
    xs = x.flip(0) if layer["goBackwards"] else x
    K, R = W[0], W[1]
    B = W[2] if layer["useBias"] else None
    h, c, outs = torch.zeros(u), torch.zeros(u), []
    for t in range(xs.shape[0]):
        xt = xs[t]
        if k == "Lstm":
            s = xt @ K + h @ R
            if B is not None:
                s = s + B
            i, f = act(rec, s[0:u]), act(rec, s[u:2 * u])
            g, o = act(a, s[2 * u:3 * u]), act(rec, s[3 * u:4 * u])
            c = f * c + i * g
            h = o * act(a, c)
        else:  # GRU, reset after
            xm, rm = xt @ K, h @ R
            if B is not None:
                xm, rm = xm + B[0], rm + B[1]
            z = act(rec, xm[0:u] + rm[0:u])
            r = act(rec, xm[u:2 * u] + rm[u:2 * u])
            hh = act(a, xm[2 * u:] + r * rm[2 * u:])
            h = z * h + (1 - z) * hh
        outs.append(h)
    return torch.stack(outs) if layer["returnSequences"] else h


def build(name, T, F, case_layers):
    base = zlib.crc32(name.encode())
    for k in range(100):
        rs = np.random.RandomState(base + k)
        d, params = F, []
        for layer in case_layers:
            shapes, d = tensor_shapes(layer, d)
            params += [rs.uniform(-1.5, 1.5, size=s) for s in shapes]
        tokens = case_layers[0]["kind"] == "Embedding"
        x_np = rs.randint(0, case_layers[0]["inputDim"], size=T) if tokens else rs.uniform(-3.0, 3.0, size=(T, F))
        W = [torch.tensor(p, requires_grad=True) for p in params]
        x = torch.tensor(x_np, dtype=torch.long) if tokens else torch.tensor(x_np, requires_grad=True)
        ARGS.clear()
        y, i = x, 0
        for layer, n in zip(case_layers, counts(case_layers)):
            y = layer_forward(layer, W[i:i + n], y)
            i += n
        args = torch.cat(ARGS)
        kink = (args.abs() - 2.5).abs().min().item()
        if kink < KINK_MARGIN:
            continue
        g_np = rs.uniform(-1.0, 1.0, size=tuple(y.shape))
        (y * torch.tensor(g_np)).sum().backward()
        saturated = int((args.abs() > 2.5).sum())
        print("%-48s seed=%-10d params=%-5d %d/%d hard_sigmoid arguments saturated, nearest kink %.1e"
              % (name, base + k, sum(p.size for p in params), saturated, args.numel(), kink))
        return {
            "name": name, "seed": base + k, "timesteps": T, "features": F, "layers": case_layers,
            "torchImplementation": ["explicit" if l["kind"] != "Embedding" else "nn.Embedding" for l in case_layers],
            "parameters": flat(params),
            "input": [int(v) for v in x_np] if tokens else flat([x_np]),
            "output": flat([y.detach().numpy()]),
            "outputGradient": flat([g_np]),
            "parameterGradient": flat([w.grad.numpy() for w in W]),
            "inputGradient": None if tokens else flat([x.grad.numpy()]),
        }
    raise RuntimeError("no draw for " + name)


def main():
    cases = [build(*c) for c in CASES]
    jsonfmt.write(OUT, {
        "generator": "tests/reference/layers_pytorch_gates.py, PyTorch %s, float64 autograd (explicit cell loop)" % torch.__version__,
        "cases": cases,
    })
    print("wrote", OUT)


if __name__ == "__main__":
    main()
