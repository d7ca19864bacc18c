"""The four benchmark models as PyTorch modules, and their Keras flat weight layout.

Shared by export_models.py and pytorch_bench.py. Each model is one recurrent layer
(batch_first) followed by one Linear layer, the same as the C# declarations in
tests/RnnGen.Benchmarks/Models.cs:

    letter : T=1,   F=5,  SimpleRnn(3)  -> Dense(5, softmax)
    srnn32 : T=50,  F=8,  SimpleRnn(32) -> Dense(1)
    lstm32 : T=50,  F=8,  Lstm(32)      -> Dense(1)
    gru64  : T=100, F=16, Gru(64)       -> Dense(4)     (reset_after=True == torch GRU)
"""
import torch
from torch import nn

from specs import SPECS  # noqa: F401  (re-exported)


class RnnDense(nn.Module):
    """recurrent layer (last hidden state) -> Linear -> optional softmax."""

    def __init__(self, kind, features, units, dense_units, activation):
        super().__init__()
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.kind = kind
        self.rnn = cls(features, units, batch_first=True)
        self.dense = nn.Linear(units, dense_units)
        self.softmax = activation == "softmax"

    def forward(self, x):
        seq, _ = self.rnn(x)
        y = self.dense(seq[:, -1, :])
        if self.softmax:
            y = torch.softmax(y, dim=-1)
        return y


def build(name, seed=1234):
    """The model `name` with deterministic weights (torch default init under a fixed seed)."""
    kind, t, f, u, d, act = SPECS[name]
    torch.manual_seed(seed)
    model = RnnDense(kind, f, u, d, act)
    # Non-zero biases everywhere, so the bias mapping is really exercised.
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-0.4, 0.4)
    model.eval()
    return model


def _gru_reorder(w, u):
    """torch GRU gate blocks r, z, n (along dim 0) -> Keras z, r, h."""
    r, z, n = w[0:u], w[u:2 * u], w[2 * u:3 * u]
    return torch.cat([z, r, n], dim=0)


def keras_flat(model):
    """Flatten the weights in Keras get_weights() order (see CONTEXT.md PyTorch mapping)."""
    rnn, dense = model.rnn, model.dense
    u = rnn.hidden_size
    w_ih, w_hh = rnn.weight_ih_l0.detach(), rnn.weight_hh_l0.detach()
    b_ih, b_hh = rnn.bias_ih_l0.detach(), rnn.bias_hh_l0.detach()
    if model.kind == "gru":
        w_ih, w_hh = _gru_reorder(w_ih, u), _gru_reorder(w_hh, u)
        bias = torch.cat([_gru_reorder(b_ih, u), _gru_reorder(b_hh, u)])  # [2, 3u] row-major
    else:
        bias = b_ih + b_hh
    parts = [
        w_ih.t().contiguous().reshape(-1),   # kernel [in, k*u]
        w_hh.t().contiguous().reshape(-1),   # recurrent_kernel [u, k*u]
        bias.reshape(-1),
        dense.weight.detach().t().contiguous().reshape(-1),  # dense kernel [u, d]
        dense.bias.detach().reshape(-1),
    ]
    return torch.cat(parts).tolist()


def keras_forward(name, params, x):
    """Keras math from CONTEXT.md on the flat parameters (float64): checks the layout mapping."""
    kind, t, f, u, d, act = SPECS[name]
    p = torch.tensor(params, dtype=torch.float64)
    x = x.reshape(t, f).double()
    k = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    o = 0

    def take(n, shape):
        nonlocal o
        v = p[o:o + n].reshape(shape)
        o += n
        return v

    K = take(f * k * u, (f, k * u))
    R = take(u * k * u, (u, k * u))
    B = take(2 * 3 * u, (2, 3 * u)) if kind == "gru" else take(k * u, (k * u,))
    W = take(u * d, (u, d))
    bd = take(d, (d,))
    h = torch.zeros(u, dtype=torch.float64)
    c = torch.zeros(u, dtype=torch.float64)
    for s in range(t):
        xs = x[s]
        if kind == "rnn":
            h = torch.tanh(xs @ K + h @ R + B)
        elif kind == "lstm":
            a = xs @ K + h @ R + B
            i, fg, g, og = (a[j * u:(j + 1) * u] for j in range(4))
            c = torch.sigmoid(fg) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(og) * torch.tanh(c)
        else:
            xa = xs @ K + B[0]
            ra = h @ R + B[1]
            z = torch.sigmoid(xa[:u] + ra[:u])
            r = torch.sigmoid(xa[u:2 * u] + ra[u:2 * u])
            hh = torch.tanh(xa[2 * u:] + r * ra[2 * u:])
            h = z * h + (1 - z) * hh
    y = h @ W + bd
    if act == "softmax":
        y = torch.softmax(y, dim=-1)
    assert o == len(params)
    return y
