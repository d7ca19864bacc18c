"""Layer reference values from real PyTorch (float64, autograd).

Writes fixtures/layers_pytorch.json. Run from anywhere:
    /usr/bin/python3 tests/reference/layers_pytorch.py

Every case is computed twice:
  * the "module" path uses the real torch modules (nn.RNN / nn.LSTM / nn.GRU /
    nn.Linear / nn.Embedding) wherever a module can express the Keras layer,
    with Keras-layout weights copied in and the module gradients mapped back to
    Keras layout;
  * the "explicit" path is a cell loop written with torch ops directly on the
    Keras-layout tensors (autograd gives Keras-layout gradients).
The script asserts both paths agree (1e-10) so the explicit loop, which is used
alone for layers no torch module can express, is itself validated. The fixture
holds the module-path numbers.
"""
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "layers_pytorch.json")


# ---------------------------------------------------------------- layer specs
def srnn(units, activation="tanh", returnSequences=False, useBias=True, goBackwards=False):
    return dict(kind="SimpleRnn", units=units, activation=activation, returnSequences=returnSequences,
                useBias=useBias, goBackwards=goBackwards)


def lstm(units, activation="tanh", returnSequences=False, useBias=True, goBackwards=False):
    return dict(kind="Lstm", units=units, activation=activation, returnSequences=returnSequences,
                useBias=useBias, goBackwards=goBackwards)


def gru(units, activation="tanh", returnSequences=False, useBias=True, goBackwards=False, resetAfter=True):
    return dict(kind="Gru", units=units, activation=activation, returnSequences=returnSequences,
                useBias=useBias, goBackwards=goBackwards, resetAfter=resetAfter)


def dense(units, activation="linear", useBias=True):
    return dict(kind="Dense", units=units, activation=activation, useBias=useBias)


def emb(inputDim, outputDim):
    return dict(kind="Embedding", inputDim=inputDim, outputDim=outputDim)


CASES = [
    ("srnn_letter", 1, 5, [srnn(3), dense(5, "softmax")]),
    ("srnn_stacked", 4, 3, [srnn(5, returnSequences=True), srnn(4), dense(2)]),
    ("srnn_seq_dense", 5, 2, [srnn(4, returnSequences=True), dense(3, "sigmoid")]),
    ("srnn_relu", 6, 3, [srnn(4, "relu"), dense(1)]),
    ("srnn_backwards", 5, 3, [srnn(4, goBackwards=True, returnSequences=True), srnn(3, goBackwards=True),
                              dense(2, "tanh")]),
    ("srnn_nobias", 3, 4, [srnn(3, "sigmoid", useBias=False), dense(2, "relu", useBias=False)]),
    ("srnn_64", 8, 6, [srnn(64), dense(4, "softmax")]),
    ("srnn_long40", 40, 3, [srnn(8), dense(1)]),
    ("srnn_linear_seq", 3, 2, [srnn(3, "linear", returnSequences=True)]),
    ("lstm_basic", 5, 3, [lstm(4), dense(2)]),
    ("lstm_seq", 6, 2, [lstm(5, returnSequences=True), dense(3, "softmax")]),
    ("lstm_stacked_backwards", 5, 3, [lstm(4, returnSequences=True, goBackwards=True), lstm(3), dense(1)]),
    ("lstm_long45", 45, 2, [lstm(6), dense(1)]),
    ("lstm_relu_nobias", 4, 3, [lstm(4, "relu", useBias=False), dense(2)]),
    ("gru_basic", 5, 3, [gru(4), dense(2)]),
    ("gru_seq_backwards", 6, 2, [gru(5, returnSequences=True, goBackwards=True), dense(2, "sigmoid")]),
    ("gru_long42", 42, 2, [gru(6), dense(1)]),
    ("gru_reset_before", 5, 3, [gru(4, resetAfter=False), dense(2)]),
    ("gru_nobias", 4, 3, [gru(3, useBias=False), dense(1)]),
    ("emb_gru_lstm", 7, 4, [emb(11, 4), gru(5, returnSequences=True), lstm(3), dense(1, "sigmoid")]),
    ("emb_srnn", 6, 3, [emb(9, 3), srnn(4), dense(2, "softmax")]),
    ("mixed", 5, 3, [srnn(4, returnSequences=True), gru(3, returnSequences=True), lstm(3), dense(2)]),
    # reset_after=false twins of the GRU cases above, so TensorFlow.js (which has only that variant)
    # covers them too
    ("gru_seq_backwards_reset_before", 6, 2, [gru(5, returnSequences=True, goBackwards=True, resetAfter=False),
                                              dense(2, "sigmoid")]),
    ("gru_nobias_reset_before", 4, 3, [gru(3, useBias=False, resetAfter=False), dense(1)]),
    ("emb_gru_lstm_reset_before", 7, 4, [emb(11, 4), gru(5, returnSequences=True, resetAfter=False), lstm(3),
                                         dense(1, "sigmoid")]),
    ("mixed_reset_before", 5, 3, [srnn(4, returnSequences=True), gru(3, returnSequences=True, resetAfter=False),
                                  lstm(3), dense(2)]),
    # unit counts that split into every vector chunk width of the vector tier (16, 8, 4 and 1 lanes: 29 = 16 + 8 + 4 + 1)
    ("srnn_lanes29", 6, 5, [srnn(29), dense(3)]),
    ("lstm_lanes20_13", 5, 3, [lstm(20, returnSequences=True), lstm(13), dense(2)]),
    ("lstm_lanes32_nobias", 4, 2, [lstm(32, useBias=False, goBackwards=True), dense(1)]),
    ("gru_lanes21_backwards", 5, 4, [gru(21, goBackwards=True, returnSequences=True), dense(2)]),
    ("gru_lanes_reset_before", 4, 3, [gru(12, resetAfter=False, returnSequences=True), gru(9),
                                      dense(1)]),
    ("emb_gru_lanes16", 6, 8, [emb(20, 8), gru(16), dense(2, "softmax")]),
    # recurrent kernels above the vector tier's L1 budget (24 KB: 48 and 36 KB), whose forward reads R's rows in
    # alternating order from step to step
    ("gru_rows64", 5, 3, [gru(64), dense(2)]),
    ("lstm_rows48_seq", 4, 3, [lstm(48, returnSequences=True), dense(1)]),
]


def tensor_shapes(layer, d):
    """Keras get_weights() shapes of one layer whose input has d features; returns (shapes, out_dim)."""
    k = layer["kind"]
    if k == "Embedding":
        return [[layer["inputDim"], layer["outputDim"]]], layer["outputDim"]
    u = layer["units"]
    if k == "Dense":
        return [[d, u]] + ([[u]] if layer["useBias"] else []), u
    g = {"SimpleRnn": 1, "Lstm": 4, "Gru": 3}[k]
    shapes = [[d, g * u], [u, g * u]]
    if layer["useBias"]:
        shapes.append([2, 3 * u] if (k == "Gru" and layer["resetAfter"]) else [g * u])
    return shapes, u


def act(name, a):
    if name == "linear":
        return a
    if name == "tanh":
        return torch.tanh(a)
    if name == "sigmoid":
        return torch.sigmoid(a)
    if name == "relu":
        return torch.relu(a)
    if name == "softmax":
        return torch.softmax(a, dim=-1)
    raise ValueError(name)


# ---------------------------------------------------------- explicit path
def explicit_layer(layer, W, x):
    """x: [T, d] (or LongTensor [T] for Embedding, or [d] after a non-sequence layer)."""
    k = layer["kind"]
    if k == "Embedding":
        return W[0][x]
    if k == "Dense":
        y = x @ W[0]
        if layer["useBias"]:
            y = y + W[1]
        return act(layer["activation"], y)
    u = layer["units"]
    a = layer["activation"]
    xs = x.flip(0) if layer["goBackwards"] else x
    K, R = W[0], W[1]
    B = W[2] if layer["useBias"] else None
    h = torch.zeros(u)
    c = torch.zeros(u)
    outs = []
    for t in range(xs.shape[0]):
        xt = xs[t]
        if k == "SimpleRnn":
            s = xt @ K + h @ R
            if B is not None:
                s = s + B
            h = act(a, s)
        elif k == "Lstm":
            s = xt @ K + h @ R
            if B is not None:
                s = s + B
            i = torch.sigmoid(s[0:u])
            f = torch.sigmoid(s[u:2 * u])
            g = act(a, s[2 * u:3 * u])
            o = torch.sigmoid(s[3 * u:4 * u])
            c = f * c + i * g
            h = o * act(a, c)
        elif k == "Gru" and layer["resetAfter"]:
            xm = xt @ K
            rm = h @ R
            if B is not None:
                xm = xm + B[0]
                rm = rm + B[1]
            z = torch.sigmoid(xm[0:u] + rm[0:u])
            r = torch.sigmoid(xm[u:2 * u] + rm[u:2 * u])
            hh = act(a, xm[2 * u:] + r * rm[2 * u:])
            h = z * h + (1 - z) * hh
        elif k == "Gru":
            xm = xt @ K
            if B is not None:
                xm = xm + B
            z = torch.sigmoid(xm[0:u] + h @ R[:, 0:u])
            r = torch.sigmoid(xm[u:2 * u] + h @ R[:, u:2 * u])
            hh = act(a, xm[2 * u:] + (r * h) @ R[:, 2 * u:])
            h = z * h + (1 - z) * hh
        outs.append(h)
    return torch.stack(outs) if layer["returnSequences"] else h


def run_explicit(case_layers, params_np, x_np, is_tokens):
    W = [torch.tensor(p, requires_grad=True) for p in params_np]
    x = torch.tensor(x_np, dtype=torch.long) if is_tokens else torch.tensor(x_np, requires_grad=True)
    y, i = x, 0
    for layer, n in zip(case_layers, counts(case_layers)):
        y = explicit_layer(layer, W[i:i + n], y)
        i += n
    return y, W, x


def counts(case_layers):
    d, res = None, []
    for layer in case_layers:
        shapes, d = tensor_shapes(layer, d if d is not None else 1)
        res.append(len(shapes))
    return res


# ------------------------------------------------------------ module path
def swap_rz(m, u):
    """Keras GRU blocks z,r,h <-> torch r,z,n along the first axis (an involution)."""
    return torch.cat([m[u:2 * u], m[0:u], m[2 * u:3 * u]], dim=0)


def module_expressible(layer):
    k = layer["kind"]
    if k in ("Dense", "Embedding"):
        return True
    if k == "SimpleRnn":
        return layer["activation"] in ("tanh", "relu")
    if k == "Lstm":
        return layer["activation"] == "tanh"
    if k == "Gru":
        return layer["activation"] == "tanh" and layer["resetAfter"]
    return False


class ModuleLayer:
    """Wraps one real torch module holding Keras-layout weights; maps gradients back to Keras layout."""

    def __init__(self, layer, W, d):
        self.layer = layer
        k = layer["kind"]
        self.kind = k
        bias = layer.get("useBias", True)
        with torch.no_grad():
            if k == "Embedding":
                self.m = nn.Embedding(layer["inputDim"], layer["outputDim"])
                self.m.weight.copy_(torch.tensor(W[0]))
                self.name = "nn.Embedding"
            elif k == "Dense":
                self.m = nn.Linear(d, layer["units"], bias=bias)
                self.m.weight.copy_(torch.tensor(W[0]).T)
                if bias:
                    self.m.bias.copy_(torch.tensor(W[1]))
                self.name = "nn.Linear+" + layer["activation"]
            else:
                u = layer["units"]
                if k == "SimpleRnn":
                    self.m = nn.RNN(d, u, nonlinearity=layer["activation"], bias=bias, batch_first=True)
                    self.name = "nn.RNN"
                elif k == "Lstm":
                    self.m = nn.LSTM(d, u, bias=bias, batch_first=True)
                    self.name = "nn.LSTM"
                else:
                    self.m = nn.GRU(d, u, bias=bias, batch_first=True)
                    self.name = "nn.GRU"
                K, R = torch.tensor(W[0]), torch.tensor(W[1])
                if k == "Gru":
                    self.m.weight_ih_l0.copy_(swap_rz(K.T, u))
                    self.m.weight_hh_l0.copy_(swap_rz(R.T, u))
                    if bias:
                        B = torch.tensor(W[2])
                        self.m.bias_ih_l0.copy_(swap_rz(B[0], u))
                        self.m.bias_hh_l0.copy_(swap_rz(B[1], u))
                else:
                    self.m.weight_ih_l0.copy_(K.T)
                    self.m.weight_hh_l0.copy_(R.T)
                    if bias:
                        # Keras has one bias; torch adds b_ih + b_hh. Put it all in b_ih.
                        self.m.bias_ih_l0.copy_(torch.tensor(W[2]))
                        self.m.bias_hh_l0.zero_()

    def __call__(self, x):
        k = self.kind
        if k == "Embedding":
            return self.m(x)
        if k == "Dense":
            return act(self.layer["activation"], self.m(x))
        xs = x.flip(0) if self.layer["goBackwards"] else x
        out, _ = self.m(xs.unsqueeze(0))
        out = out.squeeze(0)  # [T, u], processing order (Keras does not flip back)
        return out if self.layer["returnSequences"] else out[-1]

    def keras_grads(self):
        k = self.kind
        if k == "Embedding":
            return [self.m.weight.grad]
        if k == "Dense":
            g = [self.m.weight.grad.T]
            if self.layer["useBias"]:
                g.append(self.m.bias.grad)
            return g
        u = self.layer["units"]
        m = self.m
        if k == "Gru":
            g = [swap_rz(m.weight_ih_l0.grad, u).T, swap_rz(m.weight_hh_l0.grad, u).T]
            if self.layer["useBias"]:
                g.append(torch.stack([swap_rz(m.bias_ih_l0.grad, u), swap_rz(m.bias_hh_l0.grad, u)]))
            return g
        g = [m.weight_ih_l0.grad.T, m.weight_hh_l0.grad.T]
        if self.layer["useBias"]:
            g.append(m.bias_ih_l0.grad)  # d/d(b_ih) == d/d(Keras bias)
        return g


class ExplicitLayer:
    def __init__(self, layer, W):
        self.layer = layer
        self.W = [torch.tensor(w, requires_grad=True) for w in W]
        self.name = "explicit"

    def __call__(self, x):
        return explicit_layer(self.layer, self.W, x)

    def keras_grads(self):
        return [w.grad for w in self.W]


def run_modules(case_layers, params_np, x_np, is_tokens):
    x = torch.tensor(x_np, dtype=torch.long) if is_tokens else torch.tensor(x_np, requires_grad=True)
    y, i, d, mods = x, 0, None, []
    for layer, n in zip(case_layers, counts(case_layers)):
        W = params_np[i:i + n]
        i += n
        if layer["kind"] != "Embedding" and d is None:
            d = len(x_np[0])
        mod = ModuleLayer(layer, W, d) if module_expressible(layer) else ExplicitLayer(layer, W)
        mods.append(mod)
        y = mod(y)
        d = layer["outputDim"] if layer["kind"] == "Embedding" else layer["units"]
    return y, mods, x


# ------------------------------------------------------------------- cases
def flat(arrs):
    return [float(v) for a in arrs for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def build_case(name, T, F, case_layers):
    """Seed = crc32(name) + k for the first k >= 0 whose draw is not degenerate (see degenerate())."""
    base = zlib.crc32(name.encode())
    for k in range(100):
        case = build_case_seeded(name, T, F, case_layers, base + k)
        if not degenerate(case):
            print("%-32s seed=%-10d out=%-4d params=%-5d module-vs-explicit max|diff|=%.2e  %s"
                  % (name, case["seed"], len(case["output"]), len(case["parameters"]), case.pop("_diff"),
                     ", ".join(case["torchImplementation"])))
            return case
    raise RuntimeError("no non-degenerate draw for " + name)


def degenerate(case):
    """ReLU cases can die: an all-zero output, or mostly zero gradients, would test nothing."""
    zeros = sum(1 for v in case["parameterGradient"] if v == 0.0)
    return all(v == 0.0 for v in case["output"]) or zeros > 0.3 * len(case["parameterGradient"])


def build_case_seeded(name, T, F, case_layers, seed):
    rs = np.random.RandomState(seed)
    d = F
    params = []
    for layer in case_layers:
        shapes, d = tensor_shapes(layer, d)
        for s in shapes:
            params.append(rs.uniform(-0.5, 0.5, size=s))
    is_tokens = case_layers[0]["kind"] == "Embedding"
    if is_tokens:
        x_np = rs.randint(0, case_layers[0]["inputDim"], size=T)
    else:
        x_np = rs.uniform(-1.0, 1.0, size=(T, F))

    # module path (the fixture numbers)
    y, mods, x = run_modules(case_layers, params, x_np, is_tokens)
    g_np = rs.uniform(-1.0, 1.0, size=tuple(y.shape))
    (y * torch.tensor(g_np)).sum().backward()
    grads = [gr for m in mods for gr in m.keras_grads()]
    dx = None if is_tokens else x.grad

    # explicit path (validation)
    y2, W2, x2 = run_explicit(case_layers, params, x_np, is_tokens)
    (y2 * torch.tensor(g_np)).sum().backward()
    diffs = [(y - y2).abs().max().item()]
    diffs += [(a - b.grad).abs().max().item() for a, b in zip(grads, W2)]
    if not is_tokens:
        diffs.append((dx - x2.grad).abs().max().item())
    worst = max(diffs)
    assert worst < 1e-10, "%s: module and explicit paths disagree by %g" % (name, worst)
    for gshape, p in zip(grads, params):
        assert tuple(gshape.shape) == p.shape, (name, gshape.shape, p.shape)

    impl = [m.name for m in mods]
    return {
        "name": name,
        "seed": seed,
        "timesteps": T,
        "features": F,
        "layers": case_layers,
        "torchImplementation": impl,
        "parameters": flat(params),
        "input": [int(v) for v in x_np] if is_tokens else flat([x_np]),
        "output": flat([y.detach().numpy()]),
        "outputGradient": flat([g_np]),
        "parameterGradient": flat([gr.detach().numpy() for gr in grads]),
        "inputGradient": None if is_tokens else flat([dx.numpy()]),
        "_diff": worst,
    }


def main():
    cases = [build_case(*c) for c in CASES]
    jsonfmt.write(OUT, {
        "generator": "tests/reference/layers_pytorch.py, PyTorch %s, float64 autograd" % torch.__version__,
        "cases": cases,
    })
    print("wrote", OUT)


if __name__ == "__main__":
    main()
