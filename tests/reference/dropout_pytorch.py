"""Dropout reference values: Keras 3's training-mode RNN formulas in PyTorch (float64, autograd), RnnGen's masks.

Writes fixtures/dropout.json (the "masks" draws and the "pytorch" cases; dropout_tfjs.js then adds its "tfjs" cases).
Run from anywhere:
    /usr/bin/python3 tests/reference/dropout_pytorch.py

Dropout is random in every framework, so a fixture can only pin the math given the masks. The masks here are RnnGen's
(dropout_masks.py, the twin of src/RnnGen/CompilerServices/Dropout.cs): sample n of a case uses sequence
`case.sequence + n`, and its masks are the contract the generated models and the dynamic layers implement:
  * recurrent layer i (its index in `layers`; [Dropout] layers are not counted), G gates (SimpleRnn 1, Lstm 4 in
    order i,f,c,o, Gru 3 in order z,r,h), input width In, units U:
      dropout > 0: with recurrentDropout > 0, G input masks (mask g for gate g's kernel columns), In floats each,
        stream Stream(i, InputPart, g); else ONE input mask for every gate, stream Stream(i, InputPart, 0);
      recurrentDropout > 0: G recurrent masks, U floats each, stream Stream(i, RecurrentPart, g);
      a Bidirectional layer: the forward direction so, the backward one with BackwardInputPart / BackwardRecurrentPart;
  * a [Dropout(rate)] after layer i (i = -1 before the first layer): one mask the size of its per-sample input
    (flat [t * width + f], every element its own draw: Keras noise_shape=None), stream Stream(i, LayerPart, 0);
  * every mask is shared by all timesteps of the sequence (keras/src/layers/rnn/dropout_rnn_cell.py: "reuse them
    for all incoming steps"; RNN.call resets them once per call, keras/src/layers/rnn/rnn.py _maybe_reset_dropout_masks).
The formulas are Keras 3's (keras-team/keras @ 3422977, keras/src/layers/rnn/*.py), written with torch ops below, each
step citing its source line. recurrent_dropout != 0 forces implementation=1 (lstm.py:136-139, gru.py:134-137), whose
dropout_mask_count = G makes get_dropout_mask return G masks (dropout_rnn_cell.py:23-35), one per gate; with dropout
only, implementation 2 multiplies the input once by a single mask (lstm.py:273-275, gru.py:256-258).
These are the semantics since Keras 3.8.0 (keras-team/keras #20656 "Fix recurrent dropout for GRU" and #20663 "Change
recurrent dropout implementation for LSTM", Dec 2024; the same as Keras 2 / tf-keras). Keras 3.0-3.7 multiplied the
input and h_tm1 by ONE mask each for all gates, and its GRU then mixed the DROPPED h_tm1 into h = z h_tm1 + (1 - z) hh;
TensorFlow.js 4.22 still does both (see dropout_tfjs.js).

Checks (the script fails otherwise): with dropout off, every case equals the real torch modules of layers_pytorch.py /
bidirectional_pytorch.py (nn.RNN / nn.LSTM / nn.GRU / nn.Embedding / nn.Linear) to 1e-10; with a single input mask and no
recurrent dropout, the training-mode output equals those modules run on the masked input x * m (what implementation 2
is) to 1e-10; the post-padded Embedding(maskZero) case with dropout off equals the modules on the unpadded tokens.

Per case: outputs [n][...] in training mode, inferenceOutputs [n][...] with dropout off, outputGradients g [n][...],
L = sum_n sum(outputs[n] * g[n]), parameterGradientSum = dL/dparameters (Keras layout), inputGradients [n][T*F]
= dL/dinputs[n] (null for Embedding models, whose inputs are token ids).
"""
import os
import sys
import zlib

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dropout_masks as dm  # noqa: E402
import jsonfmt  # noqa: E402
from bidirectional_pytorch import BidiModule  # noqa: E402
from layers_pytorch import ExplicitLayer, ModuleLayer, act, flat, module_expressible  # noqa: E402

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "dropout.json")
GATES = {"SimpleRnn": 1, "Lstm": 4, "Gru": 3}


# ---------------------------------------------------------------- layer specs
def rec(kind, units, dropout=0.0, recurrentDropout=0.0, returnSequences=False, goBackwards=False, resetAfter=True,
        bidirectional=False):
    layer = dict(kind=kind, units=units, activation="tanh", returnSequences=returnSequences, useBias=True,
                 goBackwards=goBackwards)
    if kind in ("Lstm", "Gru"):
        layer["recurrentActivation"] = "sigmoid"
    if kind == "Gru":
        layer["resetAfter"] = resetAfter
    if bidirectional:
        layer["bidirectional"] = True
        layer["merge"] = "Concat"
    layer["dropout"] = dropout
    layer["recurrentDropout"] = recurrentDropout
    return layer


def dense(units, activation="linear"):
    return dict(kind="Dense", units=units, activation=activation, useBias=True)


def emb(inputDim, outputDim, maskZero=False):
    layer = dict(kind="Embedding", inputDim=inputDim, outputDim=outputDim)
    if maskZero:
        layer["maskZero"] = True
    return layer


def drop(after, rate):
    return dict(after=after, rate=rate)


# (name, T, F, n, layers, dropoutLayers); F is the embedding width for Embedding models
CASES = [
    ("srnn_dropout", 5, 3, 4, [rec("SimpleRnn", 4, dropout=0.25), dense(2)], []),
    ("srnn_recurrent_dropout", 5, 2, 3, [rec("SimpleRnn", 3, recurrentDropout=0.4), dense(1)], []),
    ("srnn_both_seq", 4, 3, 4, [rec("SimpleRnn", 4, dropout=0.3, recurrentDropout=0.25, returnSequences=True),
                                dense(2)], []),
    ("lstm_dropout", 5, 3, 4, [rec("Lstm", 4, dropout=0.3), dense(2)], []),
    ("lstm_both", 5, 2, 3, [rec("Lstm", 3, dropout=0.25, recurrentDropout=0.3), dense(2)], []),
    ("lstm_both_backwards_seq", 6, 3, 3, [rec("Lstm", 4, dropout=0.2, recurrentDropout=0.4, goBackwards=True,
                                              returnSequences=True), dense(1)], []),
    ("gru_both", 5, 3, 4, [rec("Gru", 4, dropout=0.3, recurrentDropout=0.25), dense(2)], []),
    ("gru_reset_before_both", 5, 2, 3, [rec("Gru", 3, dropout=0.25, recurrentDropout=0.3, resetAfter=False),
                                        dense(2)], []),
    ("gru_dropout", 5, 3, 4, [rec("Gru", 4, dropout=0.3), dense(2)], []),
    ("gru_reset_before_dropout", 4, 3, 4, [rec("Gru", 4, dropout=0.25, resetAfter=False), dense(2)], []),
    ("bidi_lstm_both", 4, 2, 3, [rec("Lstm", 3, dropout=0.25, recurrentDropout=0.3, bidirectional=True),
                                 dense(2)], []),
    ("stacked_srnn_gru_both", 5, 3, 3, [rec("SimpleRnn", 4, dropout=0.2, recurrentDropout=0.3, returnSequences=True),
                                        rec("Gru", 3, dropout=0.25, recurrentDropout=0.2), dense(2)], []),
    ("dropout_layers_srnn_seq", 5, 3, 4, [rec("SimpleRnn", 4, returnSequences=True), dense(2)],
     [drop(-1, 0.2), drop(0, 0.3)]),
    ("emb_dropout_lstm", 6, 3, 4, [emb(7, 3), rec("Lstm", 4, dropout=0.3), dense(1, "sigmoid")], [drop(0, 0.25)]),
    ("mask_zero_srnn_dropout", 6, 3, 4, [emb(8, 3, maskZero=True), rec("SimpleRnn", 4, dropout=0.25,
                                                                       recurrentDropout=0.3)], []),
]

# post-padded token ids of the masked case (Embedding(8, 3, maskZero)); token 0 is padding
MASKED_TOKENS = [[4, 1, 7, 2, 0, 0], [3, 5, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6], [7, 6, 5, 1, 2, 0]]

# mask draws of the "masks" section: (rate, seed, sequence, stream, count); the three at sequence 41..43 are one lane
# group of Dropout.FillLanes
MASK_DRAWS = [
    (0.0, 7, 0, dm.stream(0, dm.INPUT_PART, 0), 16),
    (0.25, 12345, 41, dm.stream(1, dm.RECURRENT_PART, 3), 40),
    (0.25, 12345, 42, dm.stream(1, dm.RECURRENT_PART, 3), 40),
    (0.25, 12345, 43, dm.stream(1, dm.RECURRENT_PART, 3), 40),
    (0.5, 2 ** 64 - 1, 2 ** 40 + 7, dm.stream(-1, dm.LAYER_PART, 0), 48),
    (0.9, 0x0123456789ABCDEF, 9_000_000_000_000, dm.stream(200, dm.BACKWARD_RECURRENT_PART, 15), 48),
    (0.3, 2 ** 63, 123456789, dm.stream(3, dm.BACKWARD_INPUT_PART, 2), 40),
]


def shapes_of(layer, d):
    """Keras get_weights() shapes of one layer with d input features; returns (shapes, out_dim)."""
    k = layer["kind"]
    if k == "Embedding":
        return [[layer["inputDim"], layer["outputDim"]]], layer["outputDim"]
    u = layer["units"]
    if k == "Dense":
        return [[d, u], [u]], u
    g = GATES[k]
    one = [[d, g * u], [u, g * u], [2, 3 * u] if (k == "Gru" and layer["resetAfter"]) else [g * u]]
    if layer.get("bidirectional"):
        return one + one, 2 * u
    return one, u


# ---------------------------------------------------------------- masks
class SampleMasks:
    """Every mask of one sample (sequence = case sequence + n), as float64 tensors of the float32 values."""

    def __init__(self, seed, sequence):
        self.seed, self.sequence = seed, sequence

    def draw(self, rate, stream, count):
        return torch.tensor(dm.mask(rate, self.seed, self.sequence, stream, count).astype(np.float64))

    def recurrent(self, i, layer, d, backward=False):
        """(input masks [G] or None, recurrent masks [G] or None) of recurrent layer i (one direction)."""
        g, u = GATES[layer["kind"]], layer["units"]
        ip, rp = (dm.BACKWARD_INPUT_PART, dm.BACKWARD_RECURRENT_PART) if backward else (dm.INPUT_PART, dm.RECURRENT_PART)
        mx = mh = None
        if layer["dropout"] > 0:
            if layer["recurrentDropout"] > 0:
                mx = [self.draw(layer["dropout"], dm.stream(i, ip, j), d) for j in range(g)]
            else:
                one = self.draw(layer["dropout"], dm.stream(i, ip, 0), d)
                mx = [one] * g
        if layer["recurrentDropout"] > 0:
            mh = [self.draw(layer["recurrentDropout"], dm.stream(i, rp, j), u) for j in range(g)]
        return mx, mh

    def layer(self, after, rate, shape):
        count = int(np.prod(shape))
        return self.draw(rate, dm.stream(after, dm.LAYER_PART, 0), count).reshape(shape)


# ---------------------------------------------------------------- Keras 3 formulas in torch ops
def cell_loop(layer, W, x, mx, mh, steps):
    """One direction of a Keras recurrent layer in training mode. x [T, d]; mx / mh: G masks or None (no dropout);
    steps: [T] of 1 (kept) / 0 (masked) or None. Returns the outputs [T, U] in processing order."""
    k, u, a = layer["kind"], layer["units"], layer["activation"]
    g = GATES[k]
    K, R, B = W
    if layer["goBackwards"]:
        x = x.flip(0)
        steps = None if steps is None else list(reversed(steps))
    xin = lambda xt, j: xt if mx is None else xt * mx[j]  # noqa: E731  input of gate j's kernel columns
    hin = lambda h, j: h if mh is None else h * mh[j]  # noqa: E731  state into gate j's recurrent columns
    col = lambda M, j: M[..., j * u:(j + 1) * u]  # noqa: E731
    h, c = torch.zeros(u), torch.zeros(u)
    outs = []
    for t in range(x.shape[0]):
        xt = x[t]
        if k == "SimpleRnn":
            # simple_rnn.py:154-172: sequence *= dp_mask; h = sequence @ kernel + bias;
            # prev_output *= rec_dp_mask; output = activation(h + prev_output @ recurrent_kernel)
            h_new = act(a, xin(xt, 0) @ K + B + hin(h, 0) @ R)
            c_new = c
        elif k == "Lstm":
            # lstm.py:234-270 (implementation 1): inputs_g = inputs * dp_mask[g]; x_g = inputs_g @ k_g + b_g;
            # h_tm1_g = h_tm1 * rec_dp_mask[g]; _compute_carry_and_output (lstm.py:194-218):
            # i = σ(x_i + h_tm1_i @ R_i), f = σ(x_f + h_tm1_f @ R_f), c = f c_tm1 + i tanh(x_c + h_tm1_c @ R_c),
            # o = σ(x_o + h_tm1_o @ R_o); h = o tanh(c) (lstm.py:286). Implementation 2 (lstm.py:272-284) is the same
            # with one input mask and no recurrent mask.
            z = [xin(xt, j) @ col(K, j) + col(B, j) + hin(h, j) @ col(R, j) for j in range(g)]
            i_, f_, o_ = torch.sigmoid(z[0]), torch.sigmoid(z[1]), torch.sigmoid(z[3])
            c_new = f_ * c + i_ * act(a, z[2])
            h_new = o_ * act(a, c_new)
        elif layer["resetAfter"]:
            # gru.py:196-246 (implementation 1, reset_after): x_g = (inputs * dp_mask[g]) @ K_g + input_bias_g;
            # recurrent_g = (h_tm1 * rec_dp_mask[g]) @ R_g + recurrent_bias_g; z = σ(x_z + recurrent_z),
            # r = σ(x_r + recurrent_r), hh = tanh(x_h + r * recurrent_h); h = z * h_tm1 + (1 - z) * hh with the
            # UNdropped h_tm1 (gru.py:296)
            xg = [xin(xt, j) @ col(K, j) + col(B[0], j) for j in range(g)]
            rg = [hin(h, j) @ col(R, j) + col(B[1], j) for j in range(g)]
            z_, r_ = torch.sigmoid(xg[0] + rg[0]), torch.sigmoid(xg[1] + rg[1])
            hh = act(a, xg[2] + r_ * rg[2])
            h_new = z_ * h + (1 - z_) * hh
            c_new = c
        else:
            # gru.py:196-246 with reset_after=False: recurrent_h = (r * h_tm1_h) @ R_h (gru.py:242-245),
            # hh = tanh(x_h + recurrent_h), one input bias; h = z * h_tm1 + (1 - z) * hh (undropped h_tm1)
            xg = [xin(xt, j) @ col(K, j) + col(B, j) for j in range(g)]
            z_ = torch.sigmoid(xg[0] + hin(h, 0) @ col(R, 0))
            r_ = torch.sigmoid(xg[1] + hin(h, 1) @ col(R, 1))
            hh = act(a, xg[2] + (r_ * hin(h, 2)) @ col(R, 2))
            h_new = z_ * h + (1 - z_) * hh
            c_new = c
        if steps is not None and not steps[t]:
            # a masked step carries the state and repeats the previous output (keras/src/backend/tensorflow/rnn.py;
            # see masking_tfjs.js): with a zero initial state, the output is the carried h
            h_new, c_new = h, c
        h, c = h_new, c_new
        outs.append(h)
    return torch.stack(outs)


def forward_sample(case, W, x, masks, training):
    """One sample through the case's layers. x: [T, F] float or LongTensor [T]; masks: SampleMasks (training only)."""
    layers, drops = case["layers"], case["dropoutLayers"]
    steps = None
    y, w, d = x, 0, case["features"]

    def dropout_after(i, y):
        for dl in drops:
            if dl["after"] == i and training:
                # keras/src/layers/regularization/dropout.py:100-108: backend.random.dropout(inputs, rate,
                # noise_shape=None): every element its own draw, kept ones scaled by 1 / (1 - rate)
                y = y * masks.layer(i, dl["rate"], tuple(y.shape))
        return y

    y = dropout_after(-1, y)
    for i, layer in enumerate(layers):
        shapes, d_out = shapes_of(layer, d)
        Wl = W[w:w + len(shapes)]
        w += len(shapes)
        k = layer["kind"]
        if k == "Embedding":
            if layer.get("maskZero"):
                steps = [int(v != 0) for v in x.tolist()]
            y = Wl[0][y]
        elif k == "Dense":
            y = act(layer["activation"], y @ Wl[0] + Wl[1])
        else:
            fw = masks.recurrent(i, layer, d) if training else (None, None)
            out = cell_loop(layer, Wl[0:3], y, fw[0], fw[1], steps)
            if layer.get("bidirectional"):
                bw = masks.recurrent(i, layer, d, backward=True) if training else (None, None)
                back = cell_loop(dict(layer, goBackwards=not layer["goBackwards"]), Wl[3:6], y, bw[0], bw[1], steps)
                # keras/src/layers/rnn/bidirectional.py: concat of the final states, or of the sequences with the
                # backward one reversed in time
                if layer["returnSequences"]:
                    out = torch.cat([out, back.flip(0)], dim=-1)
                else:
                    out = torch.cat([out[-1], back[-1]]).unsqueeze(0)
            y = out if layer["returnSequences"] else out[-1]
            if not layer["returnSequences"]:
                steps = None
        y = dropout_after(i, y)
        d = d_out
    assert w == len(W)
    return y


# ---------------------------------------------------------------- module checks (validation only)
def modules_sample(case, params, x_np, input_mask):
    """The case without dropout through real torch modules (layers_pytorch.ModuleLayer / bidirectional_pytorch.BidiModule;
    layers_pytorch.py's explicit loop for the reset_after=False GRU, which no module has),
    the first recurrent layer's input multiplied by input_mask (or not, if None). Unmasked models only."""
    tokens = case["layers"][0]["kind"] == "Embedding"
    y = torch.tensor(x_np, dtype=torch.long) if tokens else torch.tensor(x_np)
    w, d, applied = 0, case["features"], False
    for layer in case["layers"]:
        shapes, d_out = shapes_of(layer, d)
        Wl = params[w:w + len(shapes)]
        w += len(shapes)
        if layer["kind"] not in ("Dense", "Embedding") and not applied:
            if input_mask is not None:
                y = y * input_mask
            applied = True
        if layer.get("bidirectional"):
            mod = BidiModule(layer, Wl, d)
        elif module_expressible(layer):
            mod = ModuleLayer(layer, Wl, d)
        else:  # GRU reset_after=False: no torch module; layers_pytorch.py's explicit loop (validated there)
            mod = ExplicitLayer(layer, Wl)
        y = mod(y)
        d = d_out
    return y


def check_modules(case, params, inputs, outputs, inference):
    worst = 0.0
    plain = [dict(l, dropout=0.0, recurrentDropout=0.0) for l in case["layers"]]
    if any(l.get("maskZero") for l in case["layers"]):
        # post-padded tokens: with dropout off, the masked model is the modules run on the unpadded prefix
        for n, x_np in enumerate(inputs):
            kept = np.array([v for v in x_np if v != 0])
            ref = modules_sample(dict(case, layers=plain), params, kept, None)
            worst = max(worst, (ref - inference[n]).abs().max().item())
        assert worst < 1e-10, "%s: modules disagree with the explicit loop by %g" % (case["name"], worst)
        return worst
    for n, x_np in enumerate(inputs):
        ref = modules_sample(dict(case, layers=plain), params, x_np, None)
        worst = max(worst, (ref - inference[n]).abs().max().item())
    recurrent = [(i, l) for i, l in enumerate(case["layers"]) if l["kind"] in GATES]
    single = (not case["dropoutLayers"] and len(recurrent) == 1 and recurrent[0][1]["dropout"] > 0
              and recurrent[0][1]["recurrentDropout"] == 0 and not recurrent[0][1].get("bidirectional"))
    if single:
        i, l = recurrent[0]
        d = case["features"] if i == 0 else shapes_of(case["layers"][i - 1], case["features"])[1]
        for n, x_np in enumerate(inputs):
            m = SampleMasks(case["seed"], case["sequence"] + n).recurrent(i, l, d)[0][0]
            ref = modules_sample(dict(case, layers=plain), params, x_np, m)
            worst = max(worst, (ref - outputs[n]).abs().max().item())
    assert worst < 1e-10, "%s: modules disagree with the explicit loop by %g" % (case["name"], worst)
    return worst


# ---------------------------------------------------------------- cases
def build_case(name, T, F, n, layers, drops):
    seed = zlib.crc32(name.encode())
    rs = np.random.RandomState(seed)
    case = dict(name=name, framework="pytorch", timesteps=T, features=F, layers=layers, dropoutLayers=drops,
                seed=seed, sequence=1000 * (1 + len(name)))
    params, d = [], F
    for layer in layers:
        shapes, d = shapes_of(layer, d)
        params += [rs.uniform(-0.5, 0.5, size=s) for s in shapes]
    tokens = layers[0]["kind"] == "Embedding"
    if tokens and layers[0].get("maskZero"):
        inputs = [np.array(s[:T]) for s in MASKED_TOKENS[:n]]
    elif tokens:
        inputs = [rs.randint(0, layers[0]["inputDim"], size=T) for _ in range(n)]
    else:
        inputs = [rs.uniform(-1.0, 1.0, size=(T, F)) for _ in range(n)]

    W = [torch.tensor(p, requires_grad=True) for p in params]
    xs = [torch.tensor(x, dtype=torch.long) if tokens else torch.tensor(x, requires_grad=True) for x in inputs]
    outs = [forward_sample(case, W, xs[s], SampleMasks(seed, case["sequence"] + s), True) for s in range(n)]
    with torch.no_grad():
        inference = [forward_sample(case, W, xs[s], None, False) for s in range(n)]
    gs = [rs.uniform(-1.0, 1.0, size=tuple(o.shape)) for o in outs]
    loss = sum((o * torch.tensor(g)).sum() for o, g in zip(outs, gs))
    loss.backward()
    diff = check_modules(case, params, inputs, [o.detach() for o in outs], inference)
    for gr, p in zip(W, params):
        assert tuple(gr.grad.shape) == p.shape
    dropped = sum(int((o - i).abs().max().item() > 1e-12) for o, i in zip(outs, inference))
    assert dropped == n, "%s: dropout changed only %d of %d samples" % (name, dropped, n)
    print("%-26s seed=%-10d n=%d out=%-3d params=%-4d max|train - inference|=%.3f modules-vs-explicit %s"
          % (name, seed, n, outs[0].numel(), sum(p.size for p in params),
             max((o.detach() - i).abs().max().item() for o, i in zip(outs, inference)),
             "%.1e" % diff))
    case.update(
        parameters=flat(params),
        inputs=[[int(v) for v in x] if tokens else flat([x]) for x in inputs],
        outputs=[flat([o.detach().numpy()]) for o in outs],
        inferenceOutputs=[flat([i.numpy()]) for i in inference],
        outputGradients=[flat([g]) for g in gs],
        parameterGradientSum=flat([w.grad.numpy() for w in W]),
        inputGradients=None if tokens else [flat([x.grad.numpy()]) for x in xs],
    )
    return case


def mask_draws():
    draws = []
    for rate, seed, sequence, stream, count in MASK_DRAWS:
        values = dm.mask(rate, seed, sequence, stream, count)
        draws.append(dict(rate=rate, seed=seed, sequence=sequence, stream=stream,
                          values=[float(v) for v in values]))
        print("mask rate=%-4g seed=%-20d sequence=%-16d stream=%-5d kept %d/%d"
              % (rate, seed, sequence, stream, int(np.count_nonzero(values)), count))
    return draws


def main():
    masks = mask_draws()
    cases = [build_case(*c) for c in CASES]
    jsonfmt.write(OUT, {
        "generator": "tests/reference/dropout_pytorch.py, PyTorch %s, float64 autograd of the Keras 3 training-mode "
                     "formulas (keras/src/layers/rnn/{simple_rnn,lstm,gru}.py; recurrent_dropout forces "
                     "implementation 1, one mask per gate) with RnnGen's masks (dropout_masks.py: sample n uses sequence "
                     "case.sequence + n); inferenceOutputs without dropout" % torch.__version__,
        "masks": masks,
        "cases": cases,
    })
    print("wrote", OUT)


if __name__ == "__main__":
    main()
