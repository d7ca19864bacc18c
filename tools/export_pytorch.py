#!/usr/bin/env python3
"""Convert a PyTorch model or state_dict into an RnnGen weight file (safetensors, Keras names and layout).

Needs only torch and the Python standard library (no safetensors, no numpy).

    python3 tools/export_pytorch.py model_state.pt weights.safetensors
    python3 tools/export_pytorch.py model_state.pt weights.safetensors --embedding encoder.tok

or from Python:

    import export_pytorch
    export_pytorch.export(model, "weights.safetensors")   # an nn.Module or a state_dict

The result loads with `model.LoadWeights("weights.safetensors")` (or `ImportWeights`), or is frozen into the
assembly with `[RnnModel(..., Weights = "weights.safetensors")]`.

Mapping (the same as RnnGen's ImportWeights; docs/interop.md has the tables). Modules are taken in state_dict
order, which is the order the modules were assigned in __init__; keep it the order of the forward pass.
  nn.RNN / nn.LSTM / nn.GRU   one RnnGen layer per num_layers:  kernel = weight_ih_lk.T,
                              recurrent_kernel = weight_hh_lk.T, bias = bias_ih_lk + bias_hh_lk;
                              GRU: gate blocks r, z, n -> z, r, h and bias [2, 3u] = [bias_ih; bias_hh]
                              (RnnGen's Gru with ResetAfter = true, the default)
  nn.Linear                   Dense: kernel = weight.T, bias = bias
  nn.Embedding                Embedding: embeddings = weight
  bidirectional=True           one Bidirectional layer per num_layers: the _lk tensors as above under
                              bidirectional/forward_lstm/..., then the _lk_reverse ones under
                              bidirectional/backward_lstm/... (declare the layer Bidirectional = true; its
                              Merge is what your forward() does with the two directions, and Concat between
                              the layers of a stacked module)
Names are Keras's: simple_rnn, simple_rnn_1, lstm, gru, dense, dense_1, embedding, each /kernel,
/recurrent_kernel, /bias or /embeddings; bidirectional, bidirectional_1 with /forward_<inner>/... and
/backward_<inner>/... (the wrapped layer takes its class's number first, as in Keras: bidirectional/forward_lstm,
then lstm_1 for a following LSTM). proj_size is refused; anything else in the state_dict (BatchNorm, LayerNorm, ...)
is refused by name.
"""
import argparse
import collections
import json
import struct
import sys

import torch


def _modules(state_dict):
    modules = collections.OrderedDict()
    for key, value in state_dict.items():
        module, _, param = key.rpartition(".")
        modules.setdefault(module, collections.OrderedDict())[param] = value.detach().to(torch.float32).cpu()
    return modules


def keras_tensors(state_dict, embeddings=None):
    """[(keras name, tensor)] in RnnGen parameter order.

    A module with a lone `weight` is an nn.Embedding if its name is in `embeddings` (export() fills that from the
    module types); without that list, a module named embedding/embed/emb/embeddings is taken as one, any other as a
    bias-free nn.Linear."""
    out, counts = [], collections.Counter()

    def name(base):
        n = counts[base]
        counts[base] += 1
        return base if n == 0 else "%s_%d" % (base, n)

    for module, ps in _modules(state_dict).items():
        used = set()
        if "weight_ih_l0" in ps:
            k = 0
            while "weight_ih_l%d" % k in ps:
                s = "_l%d" % k
                if "weight_hr%s" % s in ps or "weight_hr%s_reverse" % s in ps:
                    raise ValueError("module %r uses proj_size, which Keras layers cannot express" % module)
                bidirectional = any(p.endswith(s + "_reverse") for p in ps)
                wh = ps["weight_hh" + s]
                gates = ps["weight_ih" + s].shape[0] // wh.shape[1]
                base = {1: "simple_rnn", 3: "gru", 4: "lstm"}[gates]
                layer = name(base)
                if bidirectional:
                    # One Bidirectional layer: the wrapped layer takes its class's number, then the wrapper its own
                    # (Keras's counters); the forward direction's tensors, then the reverse direction's.
                    wrapper = name("bidirectional")
                    number = layer[len(base):]
                    prefixes = [("%s/forward_%s%s" % (wrapper, base, number), s),
                                ("%s/backward_%s%s" % (wrapper, base, number), s + "_reverse")]
                else:
                    prefixes = [(layer, s)]
                for prefix, sfx in prefixes:
                    for p in ("weight_ih", "weight_hh"):
                        if p + sfx not in ps:
                            raise ValueError("module %r has no %s%s" % (module, p, sfx))
                    wi, wh = ps["weight_ih" + sfx], ps["weight_hh" + sfx]
                    used |= {"weight_ih" + sfx, "weight_hh" + sfx}
                    units = wh.shape[1]
                    bi, bh = ps.get("bias_ih" + sfx), ps.get("bias_hh" + sfx)
                    if (bi is None) != (bh is None):
                        raise ValueError("module %r has only one of bias_ih%s and bias_hh%s" % (module, sfx, sfx))
                    if gates == 3:  # r, z, n -> z, r, h
                        order = torch.cat([torch.arange(units, 2 * units), torch.arange(0, units), torch.arange(2 * units, 3 * units)])
                        wi, wh = wi[order], wh[order]
                        bi = None if bi is None else bi[order]
                        bh = None if bh is None else bh[order]
                    out.append((prefix + "/kernel", wi.t().contiguous()))
                    out.append((prefix + "/recurrent_kernel", wh.t().contiguous()))
                    if bi is not None and bh is not None:
                        used |= {"bias_ih" + sfx, "bias_hh" + sfx}
                        out.append((prefix + "/bias", torch.stack([bi, bh]) if gates == 3 else bi + bh))
                k += 1
        elif "weight" in ps:
            w = ps["weight"]
            used.add("weight")
            is_embedding = module in embeddings if embeddings is not None else \
                module.split(".")[-1] in ("embedding", "embed", "emb", "embeddings")
            if "bias" in ps or not is_embedding:
                layer = name("dense")
                out.append((layer + "/kernel", w.t().contiguous()))
                if "bias" in ps:
                    used.add("bias")
                    out.append((layer + "/bias", ps["bias"]))
            else:
                out.append((name("embedding") + "/embeddings", w))
        extra = [p for p in ps if p not in used]
        if extra:
            raise ValueError("module %r has parameters RnnGen cannot place: %s" % (module, ", ".join(extra)))
    return out


def write_safetensors(path, tensors):
    """safetensors: 8-byte little-endian header length, JSON header padded to 8 bytes, raw little-endian float32."""
    header, blobs, offset = {"__metadata__": {"format": "rnngen"}}, [], 0
    for key, t in tensors:
        data = struct.pack("<%df" % t.numel(), *t.reshape(-1).tolist())
        header[key] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode("utf8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def export(model_or_state_dict, path, embeddings=None):
    """Writes the RnnGen weight file; returns the tensor names. `embeddings`: names of nn.Embedding modules (taken
    from the module types when an nn.Module is given)."""
    if isinstance(model_or_state_dict, torch.nn.Module):
        sd = model_or_state_dict.state_dict()
        embeddings = [n for n, m in model_or_state_dict.named_modules() if isinstance(m, torch.nn.Embedding)]
    else:
        sd = model_or_state_dict
    tensors = keras_tensors(sd, embeddings)
    write_safetensors(path, tensors)
    return [k for k, _ in tensors]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("state_dict", help="a torch.save(model.state_dict(), path) file")
    ap.add_argument("output", help="the .safetensors file to write")
    ap.add_argument("--embedding", action="append", metavar="MODULE",
                    help="a module that is an nn.Embedding (repeatable; default: modules named embedding/embed/emb)")
    args = ap.parse_args(argv)
    try:
        sd = torch.load(args.state_dict, map_location="cpu", weights_only=True)
    except TypeError:  # torch < 1.13 has no weights_only
        sd = torch.load(args.state_dict, map_location="cpu")
    for key in export(sd, args.output, args.embedding):
        print(key)


if __name__ == "__main__":
    sys.exit(main())
