"""Bidirectional interop fixtures from real PyTorch 1.13 and h5py (Keras HDF5 layouts).

Writes into fixtures/interop/:
  * bi_torch_*.pt              real `torch.save(net.state_dict(), path)` of nets holding an
                               nn.LSTM / nn.GRU / nn.RNN with bidirectional=True (the *_reverse tensors);
  * bi_torch_*.safetensors     the same state_dicts as safetensors with PyTorch names (file order and
                               sorted keys, as the safetensors library writes them);
  * bi_keras_*.h5 / .weights.h5 / .keras   the same weights as Keras Bidirectional layers, written with
                               h5py following Keras's own saving code (below);
  * tool_bi_torch_*.safetensors  tools/export_pytorch.py's output for three of them (RnnGen names);
  * bi_neg_*                   negative files (a merge_mode None config, an extra weight, ...);
  * interop_bidirectional.json per file: the generated test model (tests/RnnGen.Tests/Interop/
                               BidirectionalImportTests.cs), the input and PyTorch's output.

What PyTorch computes here is what Keras's Bidirectional computes (docs/interop.md): the output uses
both directions' final states, h_n[-2] (forward) and h_n[-1] (reverse), merged by concatenation, sum,
product or mean; with return_sequences, y[..., :u] and y[..., u:] (PyTorch's reverse output is
time-aligned, as Keras's backward output is after its flip). A stacked bidirectional module feeds
its next layer both directions side by side, which is Keras's merge_mode "concat".

Keras code followed (keras-team/keras):
  * Keras 2: keras/layers/rnn/bidirectional.py (Bidirectional.__init__: forward_layer and backward_layer
    are recreated from the wrapped layer's config, the backward one with go_backwards flipped, and
    renamed "forward_" + name / "backward_" + name; build: each is built inside
    backend.name_scope(its name), so variables are "bidirectional/forward_lstm/lstm_cell_1/kernel:0";
    the wrapped layer's own cell took "lstm_cell", the recreated ones "lstm_cell_1" and "lstm_cell_2";
    get_config: Wrapper's "layer" (the original layer's config, go_backwards as given) + "merge_mode",
    "backward_layer" only when one was passed);
    keras/saving/legacy/hdf5_format.py (save_weights_to_hdf5_group: root attr layer_names, one group per
    layer, attr weight_names = [w.name for w in _legacy_weights(layer)], i.e. the forward layer's
    weights then the backward layer's; save_model_to_hdf5: root attr model_config, weights under
    "model_weights"; preprocess_weights_for_loading splits a Bidirectional layer's list in halves).
  * Keras 3: keras/src/layers/rnn/bidirectional.py (self.forward_layer / self.backward_layer, names
    "forward_lstm" / "backward_lstm", backward go_backwards=True; get_config writes "layer" = the
    forward layer's config and always "backward_layer"); keras/src/saving/saving_lib.py (_save_state /
    _walk_saveable: a layer's attributes in sorted order, so layers/bidirectional/backward_layer and
    layers/bidirectional/forward_layer, each with its cell at .../cell/vars/0..; H5Entry creates
    "<path>/vars" for every saveable; _save_container_state names a Sequential's layers by snake_case
    class name numbered per class: "bidirectional", "bidirectional_1", and an LSTM after a
    Bidirectional(LSTM) is "lstm"); keras/src/legacy/saving/legacy_h5_format.py
    (save_subset_weights_to_hdf5_group: weight_names = [w.path], e.g.
    "sequential/bidirectional/forward_lstm/lstm_cell/kernel").

    /usr/bin/python3 tests/reference/interop_bidirectional.py
"""
import collections
import io
import json
import os
import struct
import sys
import zipfile

import h5py
import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "interop")
torch.manual_seed(4321)
np.random.seed(4321)

ACT = {"linear": lambda x: x, "softmax": lambda x: torch.softmax(x, -1), "sigmoid": torch.sigmoid,
       "tanh": torch.tanh, "relu": torch.relu}
MERGE = {"concat": lambda f, b: torch.cat([f, b], -1), "sum": lambda f, b: f + b,
         "mul": lambda f, b: f * b, "ave": lambda f, b: (f + b) / 2}
RS_MERGE = {"concat": "Concat", "sum": "Sum", "mul": "Multiply", "ave": "Average"}
KIND = {"RNN": ("SimpleRNN", "simple_rnn", "SimpleRnn"), "LSTM": ("LSTM", "lstm", "Lstm"),
        "GRU": ("GRU", "gru", "Gru")}


def zwrite(zf, name, data):
    """zf.writestr with a fixed timestamp, so reruns give identical bytes."""
    zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)


def uniform(shape, lo=-0.6, hi=0.6):
    return torch.from_numpy(np.random.uniform(lo, hi, shape).astype(np.float32))


class Block:
    """One recurrent module of a net: the module, its merge mode, and whether it returns sequences."""

    def __init__(self, rnn, merge="concat", sequences=False):
        self.rnn, self.merge, self.sequences = rnn, merge, sequences


class Net(nn.Module):
    """Recurrent modules rnn0, rnn1, ... then an nn.Linear (on the last state, or per timestep)."""

    def __init__(self, blocks, linear, act):
        super().__init__()
        self.blocks = blocks
        for i, b in enumerate(blocks):
            setattr(self, "rnn%d" % i, b.rnn)
        self.fc = linear
        self.act = act

    def forward(self, x):
        for b in self.blocks:
            y, h = b.rnn(x)
            if isinstance(h, tuple):
                h = h[0]  # nn.LSTM: (h_n, c_n)
            u = b.rnn.hidden_size
            if not b.rnn.bidirectional:
                x = y if b.sequences else h[-1]
            elif b.sequences:
                x = MERGE[b.merge](y[..., :u], y[..., u:])
            else:
                x = MERGE[b.merge](h[-2], h[-1])  # the last layer's forward and reverse final states
        return ACT[self.act](self.fc(x))


def keras_direction(sd, prefix, sfx, kind):
    """One direction's Keras get_weights() from the torch tensors (the mapping RnnGen implements)."""
    wi, wh = sd[prefix + "weight_ih" + sfx], sd[prefix + "weight_hh" + sfx]
    bi, bh = sd.get(prefix + "bias_ih" + sfx), sd.get(prefix + "bias_hh" + sfx)
    if kind == "GRU":
        u = wh.shape[1]
        order = np.concatenate([np.arange(u, 2 * u), np.arange(0, u), np.arange(2 * u, 3 * u)])
        wi, wh = wi[order], wh[order]
        if bi is not None:
            bi, bh = bi[order], bh[order]
        return [wi.T.copy(), wh.T.copy()] + ([] if bi is None else [np.stack([bi, bh])])
    return [wi.T.copy(), wh.T.copy()] + ([] if bi is None else [bi + bh])


class KLayer:
    """A Keras layer of the equivalent Sequential: class, Keras 2 name, weights, config bits."""

    def __init__(self, cls, weights, spec, bidirectional=False, merge="concat", inner=None):
        self.cls, self.weights, self.spec = cls, weights, spec
        self.bidirectional, self.merge, self.inner = bidirectional, merge, inner
        self.name = None        # Keras 2 layer name
        self.inner_name = None  # Keras 2 name of the wrapped layer
        self.cells = []         # Keras 2 cell names: [cell] or [forward cell, backward cell]


def keras_layers(net):
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    out = []
    for i, b in enumerate(net.blocks):
        kind = type(b.rnn).__name__
        cls, _, rkind = KIND[kind]
        for k in range(b.rnn.num_layers):
            last = k == b.rnn.num_layers - 1
            seq = b.sequences or not last
            spec = dict(kind=rkind, units=b.rnn.hidden_size, activation="tanh", returnSequences=seq,
                        useBias=b.rnn.bias, goBackwards=False)
            if kind == "GRU":
                spec["resetAfter"] = True
            fw = keras_direction(sd, "rnn%d." % i, "_l%d" % k, kind)
            if b.rnn.bidirectional:
                bw = keras_direction(sd, "rnn%d." % i, "_l%d_reverse" % k, kind)
                spec["bidirectional"] = True
                spec["merge"] = RS_MERGE[b.merge if last else "concat"]
                out.append(KLayer("Bidirectional", fw + bw, spec, True, b.merge if last else "concat", cls))
            else:
                out.append(KLayer(cls, fw, spec))
    fc_spec = dict(kind="Dense", units=net.fc.out_features, activation=net.act, useBias=net.fc.bias is not None)
    out.append(KLayer("Dense", [sd["fc.weight"].T.copy()] + ([sd["fc.bias"]] if net.fc.bias is not None else []), fc_spec))
    # Keras 2 names: every layer object created takes its class's next number, the wrapped layer before its
    # wrapper; every cell object likewise (the wrapped layer's own cell, then the forward and backward copies').
    seen = collections.Counter()

    def take(base):
        n = seen[base]
        seen[base] += 1
        return base if n == 0 else "%s_%d" % (base, n)

    for kl in out:
        if kl.bidirectional:
            base = KIND_BY_CLS[kl.inner]
            kl.inner_name = take(base)
            kl.name = take("bidirectional")
            take(base + "_cell")
            kl.cells = [take(base + "_cell"), take(base + "_cell")]
        else:
            base = KIND_BY_CLS.get(kl.cls, kl.cls.lower())
            kl.name = take(base)
            if kl.cls != "Dense":
                kl.cells = [take(base + "_cell")]
    return out


KIND_BY_CLS = {"SimpleRNN": "simple_rnn", "LSTM": "lstm", "GRU": "gru", "Dense": "dense"}
SUFFIXES = ["kernel", "recurrent_kernel", "bias"]


def rnn_config(cls, name, spec, keras3, go_backwards=False):
    cfg = dict(name=name, trainable=True, return_sequences=spec["returnSequences"], return_state=False,
               go_backwards=go_backwards, stateful=False, unroll=False, units=spec["units"], activation="tanh",
               use_bias=spec["useBias"], dropout=0.0, recurrent_dropout=0.0)
    if cls != "SimpleRNN":
        cfg["recurrent_activation"] = "sigmoid"
    if cls == "GRU":
        cfg["reset_after"] = True
    if keras3:
        return dict(module="keras.layers", class_name=cls, config=cfg, registered_name=None)
    return dict(class_name=cls, config=cfg)


def layer_config(kl, keras3, edit=None):
    if kl.cls == "Dense":
        cfg = dict(name=kl.name, trainable=True, units=kl.spec["units"], activation=kl.spec["activation"],
                   use_bias=kl.spec["useBias"])
        return dict(module="keras.layers", class_name="Dense", config=cfg, registered_name=None) if keras3 \
            else dict(class_name="Dense", config=cfg)
    if not kl.bidirectional:
        return rnn_config(kl.cls, kl.name, kl.spec, keras3)
    base = KIND_BY_CLS[kl.inner]
    if keras3:
        # Keras 3 get_config: "layer" is the forward layer's config, "backward_layer" is always written.
        cfg = dict(name=kl.name, trainable=True, merge_mode=kl.merge,
                   layer=rnn_config(kl.inner, "forward_" + base, kl.spec, True),
                   backward_layer=rnn_config(kl.inner, "backward_" + base, kl.spec, True, go_backwards=True))
        return dict(module="keras.layers", class_name="Bidirectional", config=cfg, registered_name=None)
    # Keras 2 get_config: Wrapper's "layer" (the wrapped layer as given) and merge_mode.
    cfg = dict(name=kl.name, trainable=True, dtype="float32", layer=rnn_config(kl.inner, kl.inner_name, kl.spec, False),
               merge_mode=kl.merge)
    return dict(class_name="Bidirectional", config=cfg)


def model_config(kls, timesteps, features, keras3):
    shape = [None, timesteps, features]
    if keras3:
        layers = [dict(module="keras.layers", class_name="InputLayer",
                       config=dict(batch_shape=shape, dtype="float32", sparse=False, name="input_layer"),
                       registered_name=None)]
    else:
        layers = [dict(class_name="InputLayer", config=dict(batch_input_shape=shape, dtype="float32", sparse=False,
                                                           ragged=False, name="input_1"))]
    layers += [layer_config(kl, keras3) for kl in kls]
    cfg = dict(name="sequential", layers=layers)
    if keras3:
        return dict(module="keras", class_name="Sequential", config=cfg, registered_name=None)
    return dict(class_name="Sequential", config=cfg)


def keras2_weight_names(kl, keras3_paths=False):
    n = len(SUFFIXES) if kl.spec["useBias"] else 2
    if kl.cls == "Dense":
        return ["%s/%s:0" % (kl.name, s) for s in ["kernel", "bias"][: len(kl.weights)]] if not keras3_paths \
            else ["sequential/%s/%s" % (kl.name, s) for s in ["kernel", "bias"][: len(kl.weights)]]
    if not kl.bidirectional:
        if keras3_paths:
            return ["sequential/%s/%s_cell/%s" % (kl.name, KIND_BY_CLS[kl.cls], s) for s in SUFFIXES[:n]]
        return ["%s/%s/%s:0" % (kl.name, kl.cells[0], s) for s in SUFFIXES[:n]]
    base = KIND_BY_CLS[kl.inner]
    if keras3_paths:
        # Keras 3 variable paths: name scopes of the Sequential, the wrapper, the forward/backward layer, the cell.
        return ["sequential/%s/%s_%s/%s_cell/%s" % (kl.name, d, base, base, s) for d in ("forward", "backward")
                for s in SUFFIXES[:n]]
    suffix = kl.inner_name[len(base):]  # forward_lstm_1 when the wrapped layer was lstm_1
    return ["%s/%s_%s%s/%s/%s:0" % (kl.name, d, base, suffix, cell, s)
            for d, cell in (("forward", kl.cells[0]), ("backward", kl.cells[1])) for s in SUFFIXES[:n]]


def write_keras2_group(g, kls, variable_strings=False, keras3_paths=False, edit_names=None):
    """hdf5_format.save_weights_to_hdf5_group (groups created in sorted name order)."""
    names = [kl.name for kl in kls]
    if variable_strings:
        g.attrs["layer_names"] = names
        g.attrs["backend"] = "tensorflow"
        g.attrs["keras_version"] = "3.6.0"
    else:
        g.attrs["layer_names"] = np.array([n.encode("utf8") for n in names])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.11.0"
    for kl in sorted(kls, key=lambda k: k.name):
        lg = g.create_group(kl.name)
        wnames = keras2_weight_names(kl, keras3_paths)
        weights = list(kl.weights)
        if edit_names:
            wnames, weights = edit_names(kl, wnames, weights)
        if variable_strings:
            lg.attrs["weight_names"] = wnames
        else:
            lg.attrs["weight_names"] = np.array([w.encode("utf8") for w in wnames])
        for w, v in zip(wnames, weights):
            lg.create_dataset(w, data=v)
    g.create_group("top_level_model_weights").attrs["weight_names"] = np.array([], dtype="S1")


def keras3_paths(kls):
    """saving_lib._save_container_state: snake_case class name, numbered per class."""
    used, paths = {}, []
    for kl in kls:
        name = {"Bidirectional": "bidirectional"}.get(kl.cls, KIND_BY_CLS.get(kl.cls))
        if name in used:
            used[name] += 1
            name = "%s_%d" % (name, used[name])
        else:
            used[name] = 0
        paths.append(name)
    return paths


def write_keras3_weights(f, kls):
    """saving_lib.save_weights_only: H5IOStore / H5Entry paths "<path>/vars/<i>"."""
    f.create_group("vars")
    f.create_group("layers")
    for path, kl in zip(keras3_paths(kls), kls):
        base = "layers/" + path
        f.create_group(base).create_group("vars")
        if kl.cls == "Dense":
            for i, v in enumerate(kl.weights):
                f[base + "/vars"][str(i)] = v
        elif not kl.bidirectional:
            cell = f[base].create_group("cell").create_group("vars")
            for i, v in enumerate(kl.weights):
                cell[str(i)] = v
        else:
            half = len(kl.weights) // 2
            # _walk_saveable visits attributes in sorted order: backward_layer before forward_layer.
            for d, ws in (("backward_layer", kl.weights[half:]), ("forward_layer", kl.weights[:half])):
                f.create_group(base + "/" + d).create_group("vars")
                cell = f[base + "/" + d].create_group("cell").create_group("vars")
                for i, v in enumerate(ws):
                    cell[str(i)] = v
    f.create_group("optimizer").create_group("vars")


def write_safetensors(path, state_dict):
    header, blobs, offset = {}, [], 0
    for k, v in state_dict.items():
        b = v.detach().contiguous().numpy().astype("<f4").tobytes()
        header[k] = dict(dtype="F32", shape=list(v.shape), data_offsets=[offset, offset + len(b)])
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


CASES = []


def add(name, file, model, fmt, timesteps, features, layers, x, y):
    CASES.append(dict(name=name, file=file, model=model, format=fmt, timesteps=timesteps, features=features,
                      layers=layers, input=[float(v) for v in x.reshape(-1)], output=[float(v) for v in y.reshape(-1)]))


NETS = {}


def case(name, model, net, timesteps, features, safetensors=False, keras=()):
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(uniform(p.shape))
    x = uniform((1, timesteps, features), -1, 1)
    with torch.no_grad():
        y = net(x).numpy()
    xs = x.numpy().astype(np.float64)
    kls = keras_layers(net)
    specs = [kl.spec for kl in kls]
    NETS[name] = (net, kls, timesteps, features)
    torch.save(net.state_dict(), os.path.join(OUT, name + ".pt"))
    add(name, name + ".pt", model, "pytorch", timesteps, features, specs, xs, y)
    if safetensors:
        write_safetensors(os.path.join(OUT, name + ".safetensors"), net.state_dict())
        add(name + "_safetensors", name + ".safetensors", model, "safetensors", timesteps, features, specs, xs, y)
        write_safetensors(os.path.join(OUT, name + "_sorted.safetensors"),
                          collections.OrderedDict(sorted(net.state_dict().items())))
        add(name + "_sorted_safetensors", name + "_sorted.safetensors", model, "safetensors", timesteps, features,
            specs, xs, y)
    for kind in keras:
        base = name.replace("bi_torch_", "bi_keras_") + "_" + kind
        if kind == "k2_weights":
            file = base + ".h5"
            with h5py.File(os.path.join(OUT, file), "w") as f:
                write_keras2_group(f, kls)
        elif kind == "k2_model":
            file = base + ".h5"
            with h5py.File(os.path.join(OUT, file), "w") as f:
                f.attrs["keras_version"] = b"2.11.0"
                f.attrs["backend"] = b"tensorflow"
                f.attrs["model_config"] = json.dumps(model_config(kls, timesteps, features, False)).encode("utf8")
                write_keras2_group(f.create_group("model_weights"), kls)
        elif kind == "k3_legacy_model":
            file = base + ".h5"
            with h5py.File(os.path.join(OUT, file), "w") as f:
                f.attrs["keras_version"] = "3.6.0"
                f.attrs["backend"] = "tensorflow"
                f.attrs["model_config"] = json.dumps(model_config(kls, timesteps, features, True))
                write_keras2_group(f.create_group("model_weights"), kls, variable_strings=True, keras3_paths=True)
        elif kind == "k3_weights":
            file = base + ".weights.h5"
            with h5py.File(os.path.join(OUT, file), "w") as f:
                write_keras3_weights(f, kls)
        elif kind == "k3_keras":
            file = base + ".keras"
            write_keras3_zip(os.path.join(OUT, file), kls, model_config(kls, timesteps, features, True))
        else:
            raise ValueError(kind)
        add(base, file, model, "keras", timesteps, features, specs, xs, y)


def write_keras3_zip(path, kls, cfg):
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        write_keras3_weights(f, kls)
    cfg = dict(cfg, compile_config=None)
    with zipfile.ZipFile(path, "w") as zf:
        zwrite(zf, "metadata.json", json.dumps(dict(keras_version="3.6.0", date_saved="2026-12-01@07:00:00")))
        zwrite(zf, "config.json", json.dumps(cfg))
        zwrite(zf, "model.weights.h5", bio.getvalue())


# ---------------------------------------------------------------- cases (model = the C# test class)
case("bi_torch_lstm", "BiLstmModel",
     Net([Block(nn.LSTM(3, 4, batch_first=True, bidirectional=True))], nn.Linear(8, 2), "linear"), 5, 3,
     safetensors=True, keras=["k2_model", "k2_weights", "k3_weights", "k3_keras"])
case("bi_torch_gru_sum", "BiGruSumModel",
     Net([Block(nn.GRU(2, 3, batch_first=True, bidirectional=True), "sum")], nn.Linear(3, 1), "sigmoid"), 6, 2,
     keras=["k2_model", "k3_legacy_model", "k3_keras"])
case("bi_torch_rnn_stacked", "BiStackedRnnModel",
     Net([Block(nn.RNN(3, 4, num_layers=2, batch_first=True, bidirectional=True))], nn.Linear(8, 2), "tanh"), 5, 3,
     safetensors=True, keras=["k2_model", "k3_keras"])
case("bi_torch_lstm_seq_ave", "BiLstmSequenceAverageModel",
     Net([Block(nn.LSTM(3, 3, batch_first=True, bidirectional=True), "ave", sequences=True)], nn.Linear(3, 2),
         "linear"), 4, 3, keras=["k2_weights", "k3_weights"])
case("bi_torch_gru_mul_nobias", "BiGruMultiplyNoBiasModel",
     Net([Block(nn.GRU(3, 4, batch_first=True, bidirectional=True, bias=False), "mul")], nn.Linear(4, 2),
         "softmax"), 5, 3, keras=["k2_model", "k3_keras"])
# A Bidirectional(LSTM) then an LSTM: Keras 2 names them bidirectional, lstm_1 (the wrapped LSTM took "lstm"),
# Keras 3's weight paths are bidirectional, lstm.
case("bi_torch_mixed", "BiMixedModel",
     Net([Block(nn.LSTM(3, 4, batch_first=True, bidirectional=True), sequences=True),
          Block(nn.LSTM(8, 3, batch_first=True))], nn.Linear(3, 2), "linear"), 5, 3,
     safetensors=True, keras=["k2_model", "k3_weights", "k3_keras"])

# ---------------------------------------------------------------- negatives
net, kls, T, F = NETS["bi_torch_lstm"]


def keras2_model_file(file, kls, cfg, edit_names=None):
    with h5py.File(os.path.join(OUT, file), "w") as f:
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(cfg).encode("utf8")
        write_keras2_group(f.create_group("model_weights"), kls, edit_names=edit_names)


# merge_mode None: Keras returns both directions as a list.
cfg = model_config(kls, T, F, False)
cfg["config"]["layers"][1]["config"]["merge_mode"] = None
keras2_model_file("bi_neg_merge_none.h5", kls, cfg)
# A backward_layer that is not the forward layer's copy (Keras 3 config, 5 units).
cfg = model_config(kls, T, F, True)
cfg["config"]["layers"][1]["config"]["backward_layer"]["config"]["units"] = 5
write_keras3_zip(os.path.join(OUT, "bi_neg_backward_units.keras"), kls, cfg)
# A Keras 2 save_weights file (no config) whose bidirectional group holds one extra weight.


def extra(kl, names, weights):
    if kl.bidirectional:
        return names + [kl.name + "/backward_lstm/" + kl.cells[1] + "/extra:0"], weights + [np.zeros(3, np.float32)]
    return names, weights


with h5py.File(os.path.join(OUT, "bi_neg_extra_weight.h5"), "w") as f:
    write_keras2_group(f, kls, edit_names=extra)


# The same, with the backward layer's bias missing.
def missing(kl, names, weights):
    if kl.bidirectional:
        return names[:-1], weights[:-1]
    return names, weights


with h5py.File(os.path.join(OUT, "bi_neg_missing_weight.h5"), "w") as f:
    write_keras2_group(f, kls, edit_names=missing)

# A state_dict with a missing reverse tensor, and one with an extra tensor in the module.
sd = collections.OrderedDict(net.state_dict())
del sd["rnn0.weight_hh_l0_reverse"]
torch.save(sd, os.path.join(OUT, "bi_neg_torch_missing_reverse.pt"))
sd = collections.OrderedDict(net.state_dict())
sd["rnn0.weight_ih_l1_reverse"] = torch.zeros(16, 8)
torch.save(sd, os.path.join(OUT, "bi_neg_torch_extra_reverse.pt"))

# tools/export_pytorch.py on bidirectional state_dicts: RnnGen-named safetensors for LoadWeights.
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import export_pytorch  # noqa: E402

for name in ("bi_torch_lstm", "bi_torch_mixed", "bi_torch_rnn_stacked"):
    sd = torch.load(os.path.join(OUT, name + ".pt"), weights_only=True)
    export_pytorch.export(sd, os.path.join(OUT, "tool_%s.safetensors" % name))
    base = next(c for c in CASES if c["name"] == name)
    CASES.append(dict(base, name="tool_" + name, file="tool_%s.safetensors" % name, format="export_pytorch.py"))

jsonfmt.write(os.path.join(OUT, "interop_bidirectional.json"),
              dict(generator="tests/reference/interop_bidirectional.py", torch=torch.__version__, cases=CASES))
print("wrote %d cases to %s" % (len(CASES), OUT))
