"""Export the benchmark models: Keras-layout weights + a reference pair (JSON) and ONNX.

Run from anywhere:  /usr/bin/python3 tests/RnnGen.Benchmarks/peers/export_models.py
Writes, next to this script, for each model in models.SPECS:
    <model>.weights.json   {"name", "timesteps", "features", "outputSize", "parameterCount",
                            "parameters": [...Keras get_weights() order, flattened...],
                            "input": [...T*F...], "output": [...]}
    <model>.onnx           input "input" [1, T, F] float32 -> output "output" [1, outputSize]
The C# benchmarks load the same parameters into the generated model, the dynamic layers
and check all three engines (plus ONNX Runtime) agree on the reference pair within 1e-4.
"""
import json
import os
import warnings

import torch

from models import SPECS, build, keras_flat, keras_forward

HERE = os.path.dirname(os.path.abspath(__file__))


def export(name):
    kind, t, f, u, d, act = SPECS[name]
    model = build(name)
    g = torch.Generator().manual_seed(99)
    x = torch.rand(1, t, f, generator=g) * 2 - 1
    with torch.no_grad():
        y = model(x)
    params = keras_flat(model)
    # The flat layout must reproduce torch's output under Keras math.
    ref = keras_forward(name, params, x)
    err = (ref - y.reshape(-1).double()).abs().max().item()
    assert err < 1e-5, f"{name}: Keras-layout forward differs from torch by {err}"
    doc = {
        "name": name,
        "timesteps": t,
        "features": f,
        "outputSize": d,
        "parameterCount": len(params),
        "parameters": params,
        "input": x.reshape(-1).tolist(),
        "output": y.reshape(-1).tolist(),
    }
    with open(os.path.join(HERE, f"{name}.weights.json"), "w") as fp:
        json.dump(doc, fp)
    torch.onnx.export(
        model, (x,), os.path.join(HERE, f"{name}.onnx"),
        input_names=["input"], output_names=["output"],
        opset_version=13, do_constant_folding=True)
    print(f"{name}: {len(params)} parameters, output {[round(v, 6) for v in doc['output']]}")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=UserWarning)
    for n in SPECS:
        export(n)
