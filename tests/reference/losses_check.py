"""Cross-checks fixtures/losses.json (TensorFlow.js, float32) against PyTorch 1.13 in float64.

    /usr/bin/python3 tests/reference/losses_check.py

fromLogits losses use the real torch modules (BCEWithLogitsLoss, CrossEntropyLoss with index or
probability targets); MSE uses MSELoss; the probability losses use torch ops implementing Keras's
definition (clip to [eps, 1-eps], categorical outputs divided by their row sum). The clip bounds are
the float32 values tfjs uses (1e-7 and 1-1e-7 rounded to float32 = 0.99999988079...). Fails loudly
on a mismatch; writes nothing.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = float(np.float32(1e-7))
ONE_MINUS_EPS = float(np.float32(1 - np.float32(1e-7)))


def per_sample(loss, yt, yp):
    if loss == "meanSquaredError":
        return F.mse_loss(yp, yt, reduction="none").mean(-1)
    if loss == "binaryCrossentropy":
        p = yp.clamp(EPS, ONE_MINUS_EPS)
        return -(yt * torch.log(p) + (1 - yt) * torch.log(1 - p)).mean(-1)
    if loss in ("categoricalCrossentropy", "sparseCategoricalCrossentropy"):
        if loss.startswith("sparse"):
            yp = yp.clamp(EPS, ONE_MINUS_EPS)  # tfjs clips once before normalising for sparse
            yt = F.one_hot(yt[:, 0].long(), yp.shape[-1]).double()
        p = (yp / yp.sum(-1, keepdim=True)).clamp(EPS, ONE_MINUS_EPS)
        return -(yt * torch.log(p)).sum(-1)
    if loss == "binaryCrossentropyFromLogits":
        return F.binary_cross_entropy_with_logits(yp, yt, reduction="none").mean(-1)
    if loss == "categoricalCrossentropyFromLogits":
        return F.cross_entropy(yp, yt, reduction="none")  # probability targets
    if loss == "sparseCategoricalCrossentropyFromLogits":
        return F.cross_entropy(yp, yt[:, 0].long(), reduction="none")
    raise ValueError(loss)


def main():
    fix = json.load(open(os.path.join(HERE, "fixtures", "losses.json")))
    worst = 0.0
    for c in fix["cases"]:
        yt = torch.tensor(c["yTrue"], dtype=torch.float64)
        # tfjs saw yPred rounded to float32 (0.999 -> 0.99900001); use exactly those values.
        yp = torch.tensor(np.asarray(c["yPred"], dtype=np.float32).astype(np.float64), requires_grad=True)
        ps = per_sample(c["loss"], yt, yp)
        mean = ps.mean()
        mean.backward()
        def rel(a, b):
            a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
            return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))
        d = max(rel(c["perSampleLoss"], ps.detach().numpy()), rel([c["meanLoss"]], [mean.item()]),
                rel(c["gradient"], yp.grad.numpy()))
        worst = max(worst, d)
        print("%-40s torch vs tfjs max rel diff %.2e  (%s)" % (c["loss"], d, c["description"]))
        assert d < 1e-5, c
    print("all %d loss batches agree; worst %.2e" % (len(fix["cases"]), worst))


if __name__ == "__main__":
    main()
