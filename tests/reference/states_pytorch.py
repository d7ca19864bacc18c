"""Initial/final state reference values from real PyTorch (float64), for Predict(input, output, initialState, finalState).

Writes fixtures/states.json (the "torch" cases; states_tfjs.js then adds the "tfjs" cases). Run from anywhere:
    /usr/bin/python3 tests/reference/states_pytorch.py

State layout (DESIGN.md, "States"): every recurrent layer's state in layer order, h for SimpleRnn and Gru, h then
c for Lstm, the forward direction before the backward one for a bidirectional layer. initialState is drawn
uniform(-1, 1) (c0 too); finalState is the state after the last step, i.e. what torch returns as h_n / (h_n, c_n):
  * nn.RNN / nn.LSTM / nn.GRU(batch_first) called with h0 (and c0), Keras-layout weights copied in as
    layers_pytorch.py does (transpose, bias in b_ih, GRU blocks z,r,h <-> r,z,n); goBackwards = the layer input
    flipped in time (the final state is then the state after reading x[0]);
  * a bidirectional layer is one nn.LSTM(bidirectional=True) with h0/c0 of shape [2, 1, u] (index 0 forward,
    1 backward); Keras's Bidirectional takes initial_state = [forward h, c, backward h, c], the same order;
  * GRU with resetAfter=false (tfjs's only GRU) has no torch module: an explicit torch cell loop (the loop of
    layers_pytorch.py with h0 given), cross-checked against tfjs by states_tfjs.js.
Forward only (no gradients). Parameters uniform(-0.5, 0.5), inputs uniform(-1, 1), numpy RandomState(crc32(name)).
"""
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402
from layers_pytorch import ModuleLayer, flat, swap_rz  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "states.json")
GATES = {"SimpleRnn": 1, "Lstm": 4, "Gru": 3}


def rec(kind, units, returnSequences=False, goBackwards=False, resetAfter=True, bidirectional=False):
    layer = dict(kind=kind, units=units, activation="tanh", returnSequences=returnSequences, useBias=True,
                 goBackwards=goBackwards)
    if kind == "Gru":
        layer["resetAfter"] = resetAfter
    if bidirectional:
        layer["bidirectional"] = True
        layer["merge"] = "Concat"
    return layer


def dense(units, activation="linear"):
    return dict(kind="Dense", units=units, activation=activation, useBias=True)


CASES = [
    ("state_srnn", 5, 3, [rec("SimpleRnn", 4), dense(2)]),
    ("state_srnn_seq", 4, 2, [rec("SimpleRnn", 3, returnSequences=True), dense(2)]),
    ("state_lstm", 5, 3, [rec("Lstm", 4), dense(2)]),
    ("state_gru", 5, 3, [rec("Gru", 4), dense(2)]),
    ("state_gru_reset_before", 5, 3, [rec("Gru", 4, resetAfter=False), dense(2)]),
    ("state_lstm_gru_stacked", 6, 2, [rec("Lstm", 4, returnSequences=True), rec("Gru", 3), dense(2)]),
    ("state_lstm_gru_reset_before_stacked", 5, 3, [rec("Lstm", 3, returnSequences=True), rec("Gru", 4, resetAfter=False),
                                                   dense(2)]),
    ("state_lstm_backwards_seq", 4, 3, [rec("Lstm", 3, returnSequences=True, goBackwards=True), dense(1)]),
    ("state_bidi_lstm", 4, 2, [rec("Lstm", 3, bidirectional=True), dense(2)]),
]


def shapes_of(layer, d):
    u = layer["units"]
    if layer["kind"] == "Dense":
        return [[d, u], [u]], u
    g = GATES[layer["kind"]]
    one = [[d, g * u], [u, g * u], [2, 3 * u] if (layer["kind"] == "Gru" and layer["resetAfter"]) else [g * u]]
    if layer.get("bidirectional"):
        return one + one, 2 * u
    return one, u


def state_size(layer):
    if layer["kind"] == "Dense":
        return 0
    n = layer["units"] * (2 if layer["kind"] == "Lstm" else 1)
    return 2 * n if layer.get("bidirectional") else n


def load_module(m, k, u, W, suffix):
    K, R, B = (torch.tensor(w) for w in W)
    p = lambda n: getattr(m, n + suffix)  # noqa: E731
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


def gru_reset_before(W, x, h):
    """Explicit Keras GRU(reset_after=False) loop (layers_pytorch.explicit_layer with h0 given)."""
    K, R, B = (torch.tensor(w) for w in W)
    u = h.shape[0]
    outs = []
    for t in range(x.shape[0]):
        xm = x[t] @ K + B
        z = torch.sigmoid(xm[0:u] + h @ R[:, 0:u])
        r = torch.sigmoid(xm[u:2 * u] + h @ R[:, u:2 * u])
        hh = torch.tanh(xm[2 * u:] + (r * h) @ R[:, 2 * u:])
        h = z * h + (1 - z) * hh
        outs.append(h)
    return torch.stack(outs), h


def recurrent(layer, W, d, x, s0):
    """Runs one recurrent layer from the flat initial state s0; returns (output, final state flat, implementation)."""
    k, u = layer["kind"], layer["units"]
    if k == "Gru" and not layer["resetAfter"]:
        xs = x.flip(0) if layer["goBackwards"] else x
        outs, h = gru_reset_before(W, xs, s0)
        return (outs if layer["returnSequences"] else h), h, "explicit"
    bidi = layer.get("bidirectional", False)
    cls = {"SimpleRnn": nn.RNN, "Lstm": nn.LSTM, "Gru": nn.GRU}[k]
    m = cls(d, u, batch_first=True, bidirectional=bidi)
    with torch.no_grad():
        load_module(m, k, u, W[0:3], "_l0")
        if bidi:
            load_module(m, k, u, W[3:6], "_l0_reverse")
    dirs = 2 if bidi else 1
    per = s0.reshape(dirs, -1)  # [direction][h (, c)]
    h0 = per[:, 0:u].reshape(dirs, 1, u).contiguous()
    xs = x.flip(0) if layer["goBackwards"] else x
    if k == "Lstm":
        c0 = per[:, u:2 * u].reshape(dirs, 1, u).contiguous()
        out, (hn, cn) = m(xs.unsqueeze(0), (h0, c0))
        final = torch.cat([hn.reshape(dirs, u), cn.reshape(dirs, u)], dim=1).reshape(-1)
    else:
        out, hn = m(xs.unsqueeze(0), h0)
        final = hn.reshape(-1)
    out = out.squeeze(0)
    if not layer["returnSequences"]:
        out = torch.cat([hn[0, 0], hn[1, 0]]) if bidi else out[-1]
    return out, final, "nn.%s%s" % (cls.__name__, "(bidirectional)" if bidi else "")


def build_case(name, T, F, case_layers):
    seed = zlib.crc32(name.encode())
    rs = np.random.RandomState(seed)
    params, d = [], F
    for layer in case_layers:
        shapes, d = shapes_of(layer, d)
        params += [rs.uniform(-0.5, 0.5, size=s) for s in shapes]
    x_np = rs.uniform(-1.0, 1.0, size=(T, F))
    n_state = sum(state_size(l) for l in case_layers)
    s0_np = rs.uniform(-1.0, 1.0, size=n_state)

    with torch.no_grad():
        y, i, d, s_off, finals, impl = torch.tensor(x_np), 0, F, 0, [], []
        for layer in case_layers:
            shapes, d_out = shapes_of(layer, d)
            W = params[i:i + len(shapes)]
            i += len(shapes)
            if layer["kind"] == "Dense":
                mod = ModuleLayer(layer, W, d)
                y = mod(y)
                impl.append(mod.name)
            else:
                n = state_size(layer)
                y, fin, name_impl = recurrent(layer, W, d, y, torch.tensor(s0_np[s_off:s_off + n]))
                s_off += n
                finals.append(fin)
                impl.append(name_impl)
            d = d_out
    final = torch.cat(finals)
    assert final.numel() == n_state
    print("%-26s seed=%-10d state=%-3d out=%-3d %s" % (name, seed, n_state, y.numel(), ", ".join(impl)))
    return {
        "name": name,
        "source": "torch",
        "seed": seed,
        "timesteps": T,
        "features": F,
        "layers": case_layers,
        "torchImplementation": impl,
        "parameters": flat(params),
        "input": flat([x_np]),
        "initialState": flat([s0_np]),
        "output": flat([y.numpy()]),
        "finalState": flat([final.numpy()]),
    }


def main():
    cases = [build_case(*c) for c in CASES]
    jsonfmt.write(OUT, {
        "generator": "tests/reference/states_pytorch.py, PyTorch %s, float64 (source \"torch\"), and "
                     "tests/reference/states_tfjs.js (source \"tfjs\"); state layout: every recurrent layer in layer "
                     "order, h (SimpleRnn, Gru) or h then c (Lstm), forward before backward" % torch.__version__,
        "cases": cases,
    })
    print("wrote", OUT)


if __name__ == "__main__":
    main()
