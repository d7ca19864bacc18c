"""Masking reference values from real PyTorch (float64, autograd): Embedding(maskZero) against pack_padded_sequence.

Writes fixtures/masking_pytorch.json, the masking_tfjs.json format (MaskCase, kind MaskZero). Run from anywhere:
    /usr/bin/python3 tests/reference/masking_pytorch.py

A Keras recurrent layer after Embedding(mask_zero=True) skips the masked steps: a masked step carries the state
(keras/src/backend/tensorflow/rnn.py; see masking_tfjs.js), so with post-padded token ids the layer's last output is
the state after the last real token. In PyTorch that is a packed sequence: nn.Embedding, then
pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False) into nn.RNN / nn.LSTM / nn.GRU(batch_first),
whose h_n is the state after each sample's last real step (returned in the input order), then nn.Linear + activation
when the case has a Dense. The torch modules hold torch-native random weights (b_ih and b_hh both drawn), converted to
Keras layout for the fixture: kernel = W_ih^T, recurrent_kernel = W_hh^T, SimpleRnn / Lstm bias = b_ih + b_hh (torch's
i,f,g,o is Keras's i,f,c,o), Gru blocks r,z,n -> Keras z,r,h and bias [2, 3U] = [b_ih; b_hh] (torch's GRU is Keras's
reset_after=True), Dense kernel = W^T. The gradients are mapped back the same way (d/d(Keras bias) = b_ih.grad, which
equals b_hh.grad; asserted).

Check: every case is also computed with the explicit Keras masked cell loop of dropout_pytorch.py (no dropout; the state
carried over masked steps) on the Keras-layout weights; outputs and gradients must agree to 1e-10.

Per case: a batch of post-padded samples (every sample has at least one token: pack_padded_sequence refuses length 0),
masks [n][T], outputs [n][...], outputGradients g uniform(-1, 1), parameterGradients [n][P] (sample n alone, L_n =
sum(outputs[n] * g[n])), parameterGradientSum [P] (the batch, L = sum_n L_n), inputGradients null (token ids).
"""
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402
from dropout_pytorch import cell_loop  # noqa: E402
from layers_pytorch import act, flat, swap_rz  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "masking_pytorch.json")
GATES = {"SimpleRnn": 1, "Lstm": 4, "Gru": 3}


def rec(kind, units):
    layer = dict(kind=kind, units=units, activation="tanh", returnSequences=False, useBias=True, goBackwards=False)
    if kind in ("Lstm", "Gru"):
        layer["recurrentActivation"] = "sigmoid"
    if kind == "Gru":
        layer["resetAfter"] = True
    return layer


def dense(units, activation="linear"):
    return dict(kind="Dense", units=units, activation=activation, useBias=True)


def emb(inputDim, outputDim):
    return dict(kind="Embedding", inputDim=inputDim, outputDim=outputDim, maskZero=True)


CASES = [
    ("mask_torch_srnn", 6, [emb(8, 3), rec("SimpleRnn", 4)]),
    ("mask_torch_srnn_dense", 6, [emb(8, 3), rec("SimpleRnn", 4), dense(2)]),
    ("mask_torch_lstm", 6, [emb(9, 3), rec("Lstm", 4)]),
    ("mask_torch_lstm_dense", 5, [emb(9, 2), rec("Lstm", 5), dense(3, "softmax")]),
    ("mask_torch_gru", 6, [emb(7, 2), rec("Gru", 3)]),
    ("mask_torch_gru_dense", 6, [emb(10, 4), rec("Gru", 4), dense(1, "sigmoid")]),
]


def samples(vocab, T):
    """Post-padded token ids (token 0 = padding): lengths 4, 2, T, 1, T - 1; every real token non-zero."""
    rows = [[4, 1, vocab - 1, 2], [3, 5], [1 + (t % (vocab - 1)) for t in range(T)], [vocab - 1],
            [2 + (t * 3) % (vocab - 2) for t in range(T - 1)]]
    return [r + [0] * (T - len(r)) for r in rows]


class TorchModel:
    """nn.Embedding -> nn.RNN/LSTM/GRU on a packed sequence (h_n) -> optional nn.Linear + activation."""

    def __init__(self, layers, rs):
        e, r = layers[0], layers[1]
        self.layers, self.u, self.kind = layers, r["units"], r["kind"]
        self.emb = nn.Embedding(e["inputDim"], e["outputDim"])
        module = {"SimpleRnn": nn.RNN, "Lstm": nn.LSTM, "Gru": nn.GRU}[self.kind]
        self.rnn = module(e["outputDim"], self.u, batch_first=True)
        self.dense = nn.Linear(self.u, layers[2]["units"]) if len(layers) > 2 else None
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.tensor(rs.uniform(-0.5, 0.5, size=tuple(p.shape))))

    def parameters(self):
        ps = [self.emb.weight, self.rnn.weight_ih_l0, self.rnn.weight_hh_l0, self.rnn.bias_ih_l0, self.rnn.bias_hh_l0]
        return ps + ([self.dense.weight, self.dense.bias] if self.dense is not None else [])

    def __call__(self, tokens):
        x = torch.tensor(tokens, dtype=torch.long)  # [n, T]
        lengths = (x != 0).sum(dim=1)
        packed = pack_padded_sequence(self.emb(x), lengths, batch_first=True, enforce_sorted=False)
        _, hn = self.rnn(packed)
        h = (hn[0] if isinstance(hn, tuple) else hn)[0]  # [n, U], the input order (torch unsorts h_n)
        if self.dense is None:
            return h
        return act(self.layers[2]["activation"], self.dense(h))

    def keras(self, tensors):
        """Keras get_weights() arrays from [embedding, W_ih, W_hh, b_ih, b_hh, (W, b)] (values or gradients)."""
        u = self.u
        E, wih, whh, bih, bhh = tensors[:5]
        if self.kind == "Gru":
            out = [E, swap_rz(wih, u).T, swap_rz(whh, u).T, torch.stack([swap_rz(bih, u), swap_rz(bhh, u)])]
        else:
            out = [E, wih.T, whh.T, bih + bhh]
        return out + ([tensors[5].T, tensors[6]] if self.dense is not None else [])

    def keras_grads(self):
        g = [p.grad for p in self.parameters()]
        if self.kind != "Gru":
            assert torch.allclose(g[3], g[4], rtol=0, atol=1e-14), "b_ih and b_hh gradients differ"
            g[4] = torch.zeros_like(g[4])  # keras(): bias gradient = b_ih.grad (+ 0)
        return self.keras(g)

    def zero_grad(self):
        for p in self.parameters():
            p.grad = None


def explicit(layers, W, tokens):
    """The Keras masked loop on Keras-layout weights: Embedding lookup, cell_loop with the state carried, Dense."""
    outs = []
    for row in tokens:
        x = torch.tensor(row, dtype=torch.long)
        steps = [int(v != 0) for v in row]
        y = cell_loop(layers[1], W[1:4], W[0][x], None, None, steps)[-1]
        if len(layers) > 2:
            y = act(layers[2]["activation"], y @ W[4] + W[5])
        outs.append(y)
    return torch.stack(outs)


def build_case(name, T, layers):
    seed = zlib.crc32(name.encode())
    rs = np.random.RandomState(seed)
    model = TorchModel(layers, rs)
    tokens = samples(layers[0]["inputDim"], T)
    n = len(tokens)
    with torch.no_grad():
        keras_params = [p.detach().clone() for p in model.keras([p for p in model.parameters()])]

    # the batch (one packed run)
    y = model(tokens)
    g = rs.uniform(-1.0, 1.0, size=tuple(y.shape))
    (y * torch.tensor(g)).sum().backward()
    grad_sum = [gr.detach().clone() for gr in model.keras_grads()]
    # each sample alone
    per_sample, outputs = [], []
    for s in range(n):
        model.zero_grad()
        ys = model([tokens[s]])
        (ys * torch.tensor(g[s:s + 1])).sum().backward()
        per_sample.append([gr.detach().clone() for gr in model.keras_grads()])
        outputs.append(ys[0].detach())
    model.zero_grad()

    # the explicit Keras masked loop agrees (validation)
    W = [p.clone().requires_grad_(True) for p in keras_params]
    y2 = explicit(layers, W, tokens)
    (y2 * torch.tensor(g)).sum().backward()
    diffs = [(y.detach() - y2.detach()).abs().max().item(), (y.detach() - torch.stack(outputs)).abs().max().item()]
    diffs += [(a - b.grad).abs().max().item() for a, b in zip(grad_sum, W)]
    summed = [sum(ps[j] for ps in per_sample) for j in range(len(W))]
    diffs += [(a - b).abs().max().item() for a, b in zip(summed, grad_sum)]
    worst = max(diffs)
    assert worst < 1e-10, "%s: packed torch and the Keras masked loop disagree by %g" % (name, worst)
    P = sum(p.numel() for p in keras_params)
    print("%-24s seed=%-10d n=%d lengths=%s P=%-4d packed-vs-keras-loop max|diff|=%.1e"
          % (name, seed, n, [sum(1 for v in r if v) for r in tokens], P, worst))
    return {
        "name": name,
        "timesteps": T,
        "features": layers[0]["outputDim"],
        "mask": {"kind": "MaskZero", "value": 0},
        "layers": layers,
        "zeroOutputForMask": False,
        "torchImplementation": ["nn.Embedding", {"SimpleRnn": "nn.RNN", "Lstm": "nn.LSTM", "Gru": "nn.GRU"}[layers[1]["kind"]]
                                + " on pack_padded_sequence, h_n"] + (["nn.Linear+" + layers[2]["activation"]]
                                                                       if len(layers) > 2 else []),
        "parameters": flat([p.numpy() for p in keras_params]),
        "inputs": tokens,
        "masks": [[1 if v else 0 for v in r] for r in tokens],
        "outputs": [flat([o.numpy()]) for o in outputs],
        "outputGradients": [flat([row]) for row in g],
        "parameterGradients": [flat([gr.numpy() for gr in ps]) for ps in per_sample],
        "parameterGradientSum": flat([gr.numpy() for gr in grad_sum]),
        "inputGradients": None,
        "seed": seed,
    }


def main():
    cases = [build_case(*c) for c in CASES]
    jsonfmt.write(OUT, {
        "generator": "tests/reference/masking_pytorch.py, PyTorch %s, float64 autograd: nn.Embedding, nn.RNN/LSTM/GRU "
                     "(batch_first) on pack_padded_sequence(lengths, enforce_sorted=False) returning h_n (Keras: the "
                     "state after the last unmasked step of a post-padded Embedding(mask_zero=True) sequence), "
                     "nn.Linear + activation; torch weights converted to Keras layout (SimpleRnn/Lstm bias = b_ih + "
                     "b_hh; Gru r,z,n -> z,r,h, bias [b_ih; b_hh], reset_after=True)" % torch.__version__,
        "cases": cases,
    })
    print("wrote", OUT)


if __name__ == "__main__":
    main()
