"""Interop fixtures from real PyTorch 1.13 and h5py (Keras HDF5 layouts).

Writes into fixtures/interop/:
  * torch_*.pt          real `torch.save(model.state_dict(), path)` files (zip + pickle + storages);
  * torch_*.safetensors the same state_dicts as safetensors with PyTorch names (written with the
                        stdlib: Debian has no python3-safetensors; format: 8-byte LE header length,
                        JSON header, raw little-endian data);
  * hostile_*.pt        pickles that run a command when unpickled (the script proves it: torch.load
                        of each one creates the marker file, which it then deletes);
  * keras2_*.h5, keras3_*.weights.h5, keras3_*.keras   Keras files written with h5py, following
                        Keras's own saving code (paths below);
  * interop_pytorch.json  per file: the model (RnnGen terms), the input and PyTorch's output.

Keras saving code followed (keras-team/keras):
  * keras/src/legacy/saving/legacy_h5_format.py: save_weights_to_hdf5_group (root attrs layer_names,
    backend, keras_version; one group per layer named layer.name, attr weight_names, one dataset per
    weight at group/<weight name>), save_subset_weights_to_hdf5_group, save_model_to_hdf5 (root attr
    model_config = JSON, weights under the group "model_weights"). Keras 2 (tf.keras) weight names are
    variable names such as "lstm/lstm_cell/kernel:0"; Keras 3's legacy writer uses "kernel".
  * keras/src/saving/saving_lib.py: save_weights_only / _save_model_to_fileobj (a .keras zip holding
    metadata.json, config.json and model.weights.h5), _save_state / _walk_saveable (Sequential yields
    "layers" first), _save_container_state (each layer's path is the snake_case class name, deduplicated
    as lstm, lstm_1, ...), H5IOStore / H5Entry (every saveable gets a group "<path>/vars" holding
    datasets "0", "1", ... in variable order; the RNN layer's cell lives at "<path>/cell").
Expected outputs come from the torch modules that hold the same weights (Keras layout = torch
weights transposed, GRU gates r,z,n -> z,r,h), float32.

    /usr/bin/python3 tests/reference/interop_pytorch.py
"""
import collections
import io
import json
import os
import pickle
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
MARKER = "/tmp/rnngen_hostile_marker"
torch.manual_seed(1234)
np.random.seed(1234)


def zwrite(zf, name, data):
    """zf.writestr with a fixed timestamp, so reruns give identical bytes."""
    zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)


def srnn(u, rs=False, act="tanh"):
    return dict(kind="SimpleRnn", units=u, activation=act, returnSequences=rs, useBias=True, goBackwards=False)


def lstm(u, rs=False):
    return dict(kind="Lstm", units=u, activation="tanh", returnSequences=rs, useBias=True, goBackwards=False)


def gru(u, rs=False):
    return dict(kind="Gru", units=u, activation="tanh", returnSequences=rs, useBias=True, goBackwards=False,
                resetAfter=True)


def dense(u, act="linear", bias=True):
    return dict(kind="Dense", units=u, activation=act, useBias=bias)


def emb(n, d):
    return dict(kind="Embedding", inputDim=n, outputDim=d)


ACT = {"linear": lambda x: x, "softmax": lambda x: torch.softmax(x, -1), "sigmoid": torch.sigmoid,
       "tanh": torch.tanh, "relu": torch.relu}


class Net(nn.Module):
    """An nn.RNN/LSTM/GRU (any num_layers), optionally after an Embedding, then an nn.Linear on the last state."""

    def __init__(self, rnn, linear, act, embedding=None):
        super().__init__()
        if embedding is not None:
            self.embedding = embedding
        self.rnn = rnn
        self.fc = linear
        self.act = act

    def forward(self, x):
        if hasattr(self, "embedding"):
            x = self.embedding(x)
        y, _ = self.rnn(x)
        return ACT[self.act](self.fc(y[:, -1, :]))


def uniform(shape, lo=-0.6, hi=0.6):
    return torch.from_numpy(np.random.uniform(lo, hi, shape).astype(np.float32))


def randomize(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(uniform(p.shape))


CASES = []


def add_case(name, file, timesteps, features, layers, x, y, extra=None):
    case = dict(name=name, file=file, timesteps=timesteps, features=features, layers=layers,
                input=[float(v) for v in x.reshape(-1)], output=[float(v) for v in y.reshape(-1)])
    if extra:
        case.update(extra)
    CASES.append(case)


# ---------------------------------------------------------------- Keras layout from torch weights
def keras_weights(net):
    """Keras get_weights() per layer, from the torch modules (the mapping RnnGen's importer implements)."""
    out = []
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    if "embedding.weight" in sd:
        out.append(("embedding", "Embedding", [sd["embedding.weight"]]))
    kind = type(net.rnn).__name__
    for k in range(net.rnn.num_layers):
        wi, wh = sd["rnn.weight_ih_l%d" % k], sd["rnn.weight_hh_l%d" % k]
        bi, bh = sd["rnn.bias_ih_l%d" % k], sd["rnn.bias_hh_l%d" % k]
        if kind == "GRU":
            u = wh.shape[1]
            order = np.concatenate([np.arange(u, 2 * u), np.arange(0, u), np.arange(2 * u, 3 * u)])
            wi, wh, bi, bh = wi[order], wh[order], bi[order], bh[order]
            out.append(("gru", "GRU", [wi.T.copy(), wh.T.copy(), np.stack([bi, bh])]))
        else:
            out.append(({"RNN": "simple_rnn", "LSTM": "lstm"}[kind], {"RNN": "SimpleRNN", "LSTM": "LSTM"}[kind],
                        [wi.T.copy(), wh.T.copy(), bi + bh]))
    out.append(("dense", "Dense", [sd["fc.weight"].T.copy(), sd["fc.bias"]]))
    # Keras names: the n-th layer of a class gets _n.
    seen = collections.Counter()
    named = []
    for base, cls, ws in out:
        n = seen[base]
        seen[base] += 1
        named.append((base if n == 0 else "%s_%d" % (base, n), cls, ws))
    return named


CELL = {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell"}
SUFFIXES = {"SimpleRNN": ["kernel", "recurrent_kernel", "bias"], "LSTM": ["kernel", "recurrent_kernel", "bias"],
            "GRU": ["kernel", "recurrent_kernel", "bias"], "Dense": ["kernel", "bias"], "Embedding": ["embeddings"]}


def keras_layer_config(cls, name, spec, keras3):
    if cls == "Dense":
        cfg = dict(name=name, trainable=True, units=spec["units"], activation=spec["activation"], use_bias=True)
    elif cls == "Embedding":
        cfg = dict(name=name, trainable=True, input_dim=spec["inputDim"], output_dim=spec["outputDim"], mask_zero=False)
    else:
        cfg = dict(name=name, trainable=True, return_sequences=spec["returnSequences"], return_state=False,
                   go_backwards=False, stateful=False, unroll=False, units=spec["units"], activation="tanh",
                   use_bias=True, dropout=0.0, recurrent_dropout=0.0)
        if cls != "SimpleRNN":
            cfg["recurrent_activation"] = "sigmoid"
        if cls == "GRU":
            cfg["reset_after"] = True
    if keras3:
        return dict(module="keras.layers", class_name=cls, config=cfg, registered_name=None)
    return dict(class_name=cls, config=cfg)


def model_config(named, specs, timesteps, features, keras3, token_input):
    layers = []
    shape = [None, timesteps] if token_input else [None, timesteps, features]
    if keras3:
        layers.append(dict(module="keras.layers", class_name="InputLayer",
                           config=dict(batch_shape=shape, dtype="int32" if token_input else "float32",
                                       sparse=False, name="input_layer"), registered_name=None))
    else:
        layers.append(dict(class_name="InputLayer", config=dict(batch_input_shape=shape,
                           dtype="int32" if token_input else "float32", sparse=False, ragged=False, name="input_1")))
    for (name, cls, _), spec in zip(named, specs):
        layers.append(keras_layer_config(cls, name, spec, keras3))
    cfg = dict(name="sequential", layers=layers)
    if keras3:
        return dict(module="keras", class_name="Sequential", config=cfg, registered_name=None)
    return dict(class_name="Sequential", config=cfg)


def write_keras2_group(g, named, variable_strings, keras3_names=False):
    """legacy_h5_format.save_weights_to_hdf5_group."""
    names = [n.encode("utf8") for n, _, _ in named]
    if variable_strings:
        g.attrs["layer_names"] = [n.decode() for n in names]
        g.attrs["backend"] = "tensorflow"
        g.attrs["keras_version"] = "2.13.1"
    else:
        g.attrs["layer_names"] = np.array(names)
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.11.0"
    for name, cls, ws in sorted(named, key=lambda t: t[0]):
        lg = g.create_group(name)
        suffixes = SUFFIXES[cls]
        if keras3_names:
            wnames = suffixes
        elif cls in CELL:
            wnames = ["%s/%s/%s:0" % (name, CELL[cls], s) for s in suffixes]
        else:
            wnames = ["%s/%s:0" % (name, s) for s in suffixes]
        if variable_strings:
            lg.attrs["weight_names"] = wnames
        else:
            lg.attrs["weight_names"] = np.array([w.encode("utf8") for w in wnames])
        for w, v in zip(wnames, ws):
            lg.create_dataset(w, data=v)


def write_keras3_weights(f, named):
    """saving_lib.save_weights_only: H5IOStore paths "<path>/vars/<i>"."""
    f.create_group("vars")
    f.create_group("layers")
    for name, cls, ws in named:
        base = "layers/" + name
        f.create_group(base).create_group("vars")
        target = f[base].create_group("cell").create_group("vars") if cls in CELL else f[base + "/vars"]
        for i, v in enumerate(ws):
            target[str(i)] = v
    f.create_group("optimizer").create_group("vars")


# ---------------------------------------------------------------- torch cases
def torch_case(name, net, specs, timesteps, features, token_input=False, safetensors=False, keras=None):
    randomize(net)
    if token_input:
        x = torch.from_numpy(np.random.randint(0, net.embedding.num_embeddings, (1, timesteps)))
    else:
        x = uniform((1, timesteps, features), -1, 1)
    with torch.no_grad():
        y = net(x).numpy()
    path = os.path.join(OUT, name + ".pt")
    torch.save(net.state_dict(), path)
    xs = x.numpy().astype(np.float64)
    add_case(name, name + ".pt", timesteps, features, specs, xs, y, dict(format="pytorch"))
    if safetensors:
        write_safetensors(os.path.join(OUT, name + ".safetensors"), net.state_dict())
        add_case(name + "_safetensors", name + ".safetensors", timesteps, features, specs, xs, y,
                 dict(format="safetensors"))
        # The safetensors library sorts keys (fc.* before rnn.*): the importer must not rely on module order.
        write_safetensors(os.path.join(OUT, name + "_sorted.safetensors"),
                          collections.OrderedDict(sorted(net.state_dict().items())))
        add_case(name + "_sorted_safetensors", name + "_sorted.safetensors", timesteps, features, specs, xs, y,
                 dict(format="safetensors"))
    named = keras_weights(net)
    for kind in keras or []:
        file = "%s_%s" % (name.replace("torch_", "keras_"), kind)
        if kind == "k2_weights":
            file += ".h5"
            with h5py.File(os.path.join(OUT, file), "w") as f:
                write_keras2_group(f, named, variable_strings=False)
        elif kind == "k2_model":
            file += ".h5"
            with h5py.File(os.path.join(OUT, file), "w") as f:
                f.attrs["keras_version"] = b"2.11.0"
                f.attrs["backend"] = b"tensorflow"
                f.attrs["model_config"] = json.dumps(
                    model_config(named, specs, timesteps, features, False, token_input)).encode("utf8")
                write_keras2_group(f.create_group("model_weights"), named, variable_strings=False)
        elif kind == "k3_legacy_model":
            file += ".h5"
            with h5py.File(os.path.join(OUT, file), "w") as f:
                f.attrs["keras_version"] = "3.6.0"
                f.attrs["backend"] = "tensorflow"
                f.attrs["model_config"] = json.dumps(
                    model_config(named, specs, timesteps, features, True, token_input))
                write_keras2_group(f.create_group("model_weights"), named, variable_strings=True, keras3_names=True)
        elif kind == "k3_weights":
            file += ".weights.h5"
            with h5py.File(os.path.join(OUT, file), "w") as f:
                write_keras3_weights(f, named)
        elif kind == "k3_keras":
            file += ".keras"
            bio = io.BytesIO()
            with h5py.File(bio, "w") as f:
                write_keras3_weights(f, named)
            with zipfile.ZipFile(os.path.join(OUT, file), "w") as zf:
                zwrite(zf, "metadata.json", json.dumps(dict(keras_version="3.6.0", date_saved="2026-12-01@07:00:00")))
                cfg = model_config(named, specs, timesteps, features, True, token_input)
                cfg["compile_config"] = None
                zwrite(zf, "config.json", json.dumps(cfg))
                zwrite(zf, "model.weights.h5", bio.getvalue())
        add_case(file.split(".")[0], file, timesteps, features, specs, xs, y, dict(format="keras"))
    return net


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


torch_case("torch_srnn", Net(nn.RNN(3, 4, batch_first=True), nn.Linear(4, 2), "linear"),
           [srnn(4), dense(2)], 5, 3, safetensors=True, keras=["k2_weights"])
torch_case("torch_lstm", Net(nn.LSTM(3, 5, batch_first=True), nn.Linear(5, 3), "softmax"),
           [lstm(5), dense(3, "softmax")], 4, 3, keras=["k2_model", "k3_weights", "k3_keras"])
torch_case("torch_gru", Net(nn.GRU(2, 4, batch_first=True), nn.Linear(4, 1), "sigmoid"),
           [gru(4), dense(1, "sigmoid")], 6, 2, safetensors=True, keras=["k2_model", "k3_legacy_model"])
torch_case("torch_stacked", Net(nn.LSTM(3, 4, num_layers=2, batch_first=True), nn.Linear(4, 2), "linear"),
           [lstm(4, rs=True), lstm(4), dense(2)], 5, 3, keras=["k3_keras"])
torch_case("torch_stacked_gru", Net(nn.GRU(2, 3, num_layers=2, batch_first=True), nn.Linear(3, 2), "tanh"),
           [gru(3, rs=True), gru(3), dense(2, "tanh")], 4, 2)
torch_case("torch_embedding", Net(nn.GRU(3, 4, batch_first=True), nn.Linear(4, 2), "softmax",
                                  embedding=nn.Embedding(10, 3)),
           [emb(10, 3), gru(4), dense(2, "softmax")], 6, 3, token_input=True, keras=["k2_model"])

# Negative fixtures that need a real torch file: a bidirectional LSTM and a bias-free RNN.
bi = Net(nn.LSTM(3, 4, batch_first=True, bidirectional=True), nn.Linear(8, 2), "linear")
torch.save(bi.state_dict(), os.path.join(OUT, "torch_bidirectional.pt"))
nb = Net(nn.RNN(3, 4, batch_first=True, bias=False), nn.Linear(4, 2), "linear")
torch.save(nb.state_dict(), os.path.join(OUT, "torch_srnn_nobias.pt"))
# The legacy (pre-1.6) format: a bare pickle stream, not a zip.
torch.save(bi.state_dict(), os.path.join(OUT, "torch_legacy_format.pt"), _use_new_zipfile_serialization=False)


# ---------------------------------------------------------------- hostile pickles
class Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return self.fn, (self.arg,)


def hostile(name, payload_pickle):
    """A torch-style zip whose data.pkl is the given pickle."""
    path = os.path.join(OUT, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zwrite(zf, name.split(".")[0] + "/data.pkl", payload_pickle)
        zwrite(zf, name.split(".")[0] + "/version", "3\n")
    return path


good = Net(nn.RNN(3, 4, batch_first=True), nn.Linear(4, 2), "linear").state_dict()
# 1. torch.save of a real state_dict with one extra hostile entry: GLOBAL posix system (os.system on Linux).
evil_sd = collections.OrderedDict(good)
evil_sd["rnn.weight_ih_l1"] = Evil(os.system, "touch " + MARKER)
torch.save(evil_sd, os.path.join(OUT, "hostile_torch_save.pt"))
# 2. a pickle written by hand: GLOBAL 'os system', then REDUCE.
hostile("hostile_os_system.pt", b"\x80\x02cos\nsystem\nq\x00X" + struct.pack("<I", len("touch " + MARKER))
        + ("touch " + MARKER).encode() + b"\x85q\x01Rq\x02.")
# 3. builtins.eval of an expression that creates the marker (written by hand: protocol 2 would spell it __builtin__).
EXPR = ("open(%r, 'w').close()" % MARKER).encode()
hostile("hostile_eval.pt", b"\x80\x02cbuiltins\neval\nq\x00X" + struct.pack("<I", len(EXPR)) + EXPR + b"\x85q\x01Rq\x02.")
# 4. an allowed callable's name spelled through STACK_GLOBAL (protocol 4) to reach builtins.exec.
hostile("hostile_exec_proto4.pt", pickle.dumps(Evil(exec, "open(%r, 'w').close()" % MARKER), protocol=4))

# Prove each one is live: unpickling it for real creates the marker.
for f in ["hostile_torch_save.pt", "hostile_os_system.pt", "hostile_eval.pt", "hostile_exec_proto4.pt"]:
    if os.path.exists(MARKER):
        os.remove(MARKER)
    with zipfile.ZipFile(os.path.join(OUT, f)) as zf:
        pkl = [n for n in zf.namelist() if n.endswith("data.pkl")][0]
        data = zf.read(pkl)
    try:
        torch.load(os.path.join(OUT, f)) if f == "hostile_torch_save.pt" else pickle.loads(data)
    except Exception:
        pass
    assert os.path.exists(MARKER), "%s did not run its payload" % f
    os.remove(MARKER)
    print("hostile fixture %s: payload runs under pickle (marker created, removed)" % f)

# Truncated copies.
with open(os.path.join(OUT, "torch_lstm.pt"), "rb") as f:
    blob = f.read()
with open(os.path.join(OUT, "truncated_torch.pt"), "wb") as f:
    f.write(blob[: len(blob) // 2])
with open(os.path.join(OUT, "keras_lstm_k2_model.h5"), "rb") as f:
    blob = f.read()
with open(os.path.join(OUT, "truncated_keras.h5"), "wb") as f:
    f.write(blob[: len(blob) * 2 // 3])

# Keras negatives: configs with settings the model lacks (the weights are the torch_lstm ones).
lstm_sd = torch.load(os.path.join(OUT, "torch_lstm.pt"))
net = Net(nn.LSTM(3, 5, batch_first=True), nn.Linear(5, 3), "softmax")
net.load_state_dict(lstm_sd)
named = keras_weights(net)
specs = [lstm(5), dense(3, "softmax")]


def keras_negative(file, edit):
    cfg = model_config(named, specs, 4, 3, False, False)
    edit(cfg["config"]["layers"])
    with h5py.File(os.path.join(OUT, file), "w") as f:
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(cfg).encode("utf8")
        write_keras2_group(f.create_group("model_weights"), named, variable_strings=False)


keras_negative("keras_neg_hard_sigmoid.h5", lambda ls: ls[1]["config"].update(recurrent_activation="hard_sigmoid"))
keras_negative("keras_neg_go_backwards.h5", lambda ls: ls[1]["config"].update(go_backwards=True))
keras_negative("keras_neg_return_sequences.h5", lambda ls: ls[1]["config"].update(return_sequences=True))
keras_negative("keras_neg_units.h5", lambda ls: ls[2]["config"].update(units=4))
keras_negative("keras_neg_activation.h5", lambda ls: ls[2]["config"].update(activation="relu"))
keras_negative("keras_neg_kind.h5", lambda ls: ls[1].update(class_name="GRU"))


def wrap_bidi(ls):
    inner = ls[1]
    ls[1] = dict(class_name="Bidirectional", config=dict(name="bidirectional", merge_mode="concat", layer=inner))


keras_negative("keras_neg_bidirectional.h5", wrap_bidi)
keras_negative("keras_neg_masking.h5", lambda ls: ls.insert(1, dict(class_name="Masking",
                                                                     config=dict(name="masking", mask_value=0.0))))

# tools/export_pytorch.py on two of the state_dicts: RnnGen-named safetensors for LoadWeights.
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import export_pytorch  # noqa: E402

for case in ("torch_lstm", "torch_embedding"):
    sd = torch.load(os.path.join(OUT, case + ".pt"), weights_only=True)
    export_pytorch.export(sd, os.path.join(OUT, "tool_%s.safetensors" % case))
    base = next(c for c in CASES if c["name"] == case)
    CASES.append(dict(base, name="tool_" + case, file="tool_%s.safetensors" % case, format="export_pytorch.py"))

jsonfmt.write(os.path.join(OUT, "interop_pytorch.json"), dict(generator="tests/reference/interop_pytorch.py",
                                                               torch=torch.__version__, cases=CASES))
print("wrote %d cases to %s" % (len(CASES), OUT))
