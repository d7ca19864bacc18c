"""Optimizer reference trajectories: Keras 3 formulas (float64 numpy) and real torch.optim (float64).

Writes fixtures/optimizers.json; then run optimizers_tfjs.js to add the TensorFlow.js trajectories.
    /usr/bin/python3 tests/reference/optimizers.py

One fixed parameter vector (10 values) receives the same 5 gradient vectors; each trajectory lists
the parameters after step 1..5. The whole vector is treated as ONE tensor (matters for clipnorm).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures", "optimizers.json")
N, STEPS = 10, 5

# Keras 3 source formulas (keras/src/optimizers/{sgd,adam,rmsprop}.py and
# keras/src/optimizers/base_optimizer.py clip_by_norm / clipvalue).
KERAS_FORMULAS = {
    "sgd": "p -= lr*g",
    "sgd_momentum": "vel = momentum*vel - lr*g; p += vel",
    "sgd_nesterov": "vel = momentum*vel - lr*g; p += momentum*vel - lr*g",
    "adam": "t += 1; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; "
            "alpha = lr*sqrt(1-b2^t)/(1-b1^t); p -= alpha*m/(sqrt(v) + eps)",
    "rmsprop": "v = rho*v + (1-rho)*g^2; p -= lr*g/sqrt(v + eps)   (Keras 3: eps INSIDE the sqrt)",
    "clipnorm": "g = g*clipnorm/max(||g||_2, clipnorm), per tensor, before the update",
    "clipvalue": "g = clip(g, -clipvalue, clipvalue), elementwise, before the update",
}
TORCH_FORMULAS = {
    "sgd": "p -= lr*g",
    "sgd_momentum": "buf = momentum*buf + g (buf = g at step 1); p -= lr*buf   (== Keras for a constant lr)",
    "sgd_nesterov": "buf = momentum*buf + g; p -= lr*(g + momentum*buf)   (== Keras for a constant lr)",
    "adam": "m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; "
            "p -= lr/(1-b1^t) * m/(sqrt(v)/sqrt(1-b2^t) + eps)   (eps added to sqrt(v_hat), not sqrt(v))",
    "rmsprop": "v = alpha*v + (1-alpha)*g^2; p -= lr*g/(sqrt(v) + eps)   (eps OUTSIDE the sqrt)",
    "clipnorm": "torch.nn.utils.clip_grad_norm_: g *= min(1, max_norm/(||g||_2 + 1e-6))",
    "clipvalue": "torch.nn.utils.clip_grad_value_: g = clamp(g, -v, v)",
}

CONFIGS = [
    # name, kind, hyper-parameters
    ("sgd", "sgd", dict(learningRate=0.1)),
    ("sgd_momentum", "sgd", dict(learningRate=0.1, momentum=0.9)),
    ("sgd_nesterov", "sgd", dict(learningRate=0.1, momentum=0.9, nesterov=True)),
    ("adam_default", "adam", dict(learningRate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-7)),
    ("adam_lr0.01", "adam", dict(learningRate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-7)),
    ("rmsprop", "rmsprop", dict(learningRate=0.01, rho=0.9, epsilon=1e-7)),
    ("sgd_clipnorm", "sgd", dict(learningRate=0.1, clipNorm=1.0)),
    ("sgd_clipvalue", "sgd", dict(learningRate=0.1, clipValue=0.5)),
]


def data():
    rs = np.random.RandomState(20240601)
    p0 = rs.uniform(-1.0, 1.0, size=N)
    scales = [1.0, 0.2, 2.0, 0.1, 0.5]  # gradient norms ~1.8, 0.4, 3.6, 0.2, 0.9: clipnorm=1 bites on some steps
    grads = [rs.uniform(-1.0, 1.0, size=N) * s for s in scales]
    grads[1][3] = 0.0  # one exact zero (sqrt(v) = 0 paths, sign handling)
    return p0, grads


def formula_key(kind, hp):
    if kind == "sgd":
        if hp.get("nesterov"):
            return "sgd_nesterov"
        return "sgd_momentum" if hp.get("momentum") else "sgd"
    return kind


def keras_clip(g, hp):
    if "clipNorm" in hp:
        c = hp["clipNorm"]
        norm = np.sqrt(np.sum(g * g))
        g = g * c / max(norm, c)
    if "clipValue" in hp:
        g = np.clip(g, -hp["clipValue"], hp["clipValue"])
    return g


def keras_trajectory(kind, hp, p0, grads):
    p = p0.copy()
    m = np.zeros(N)
    v = np.zeros(N)
    traj = []
    lr = hp["learningRate"]
    for t, g in enumerate(grads, start=1):
        g = keras_clip(g, hp)
        if kind == "sgd":
            mom = hp.get("momentum", 0.0)
            if mom:
                m = mom * m - lr * g
                p = p + (mom * m - lr * g if hp.get("nesterov") else m)
            else:
                p = p - lr * g
        elif kind == "adam":
            b1, b2, eps = hp["beta1"], hp["beta2"], hp["epsilon"]
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            p = p - alpha * m / (np.sqrt(v) + eps)
        elif kind == "rmsprop":
            rho, eps = hp["rho"], hp["epsilon"]
            v = rho * v + (1 - rho) * g * g
            p = p - lr * g / np.sqrt(v + eps)
        traj.append([float(x) for x in p])
    return traj


def torch_trajectory(kind, hp, p0, grads):
    p = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    lr = hp["learningRate"]
    if kind == "sgd":
        opt = torch.optim.SGD([p], lr=lr, momentum=hp.get("momentum", 0.0), nesterov=hp.get("nesterov", False))
    elif kind == "adam":
        opt = torch.optim.Adam([p], lr=lr, betas=(hp["beta1"], hp["beta2"]), eps=hp["epsilon"])
    else:
        opt = torch.optim.RMSprop([p], lr=lr, alpha=hp["rho"], eps=hp["epsilon"])
    traj = []
    for g in grads:
        opt.zero_grad()
        p.grad = torch.tensor(g, dtype=torch.float64)
        if "clipNorm" in hp:
            torch.nn.utils.clip_grad_norm_([p], hp["clipNorm"])
        if "clipValue" in hp:
            torch.nn.utils.clip_grad_value_([p], hp["clipValue"])
        opt.step()
        traj.append([float(x) for x in p.detach()])
    return traj


def torch_formula(kind, hp):
    key = formula_key(kind, hp)
    f = TORCH_FORMULAS[key]
    for c, k in (("clipNorm", "clipnorm"), ("clipValue", "clipvalue")):
        if c in hp:
            f = TORCH_FORMULAS[k] + "; then " + f
    return f


def keras_formula(kind, hp):
    f = KERAS_FORMULAS[formula_key(kind, hp)]
    for c, k in (("clipNorm", "clipnorm"), ("clipValue", "clipvalue")):
        if c in hp:
            f = KERAS_FORMULAS[k] + "; then " + f
    return f


def main():
    p0, grads = data()
    cases = []
    for name, kind, hp in CONFIGS:
        ker = keras_trajectory(kind, hp, p0, grads)
        tor = torch_trajectory(kind, hp, p0, grads)
        d = max(abs(a - b) for ra, rb in zip(ker, tor) for a, b in zip(ra, rb))
        print("%-14s max |torch - keras_formula| over 5 steps = %.3e" % (name, d))
        opt = dict(type=kind, **hp)
        cases.append(dict(name=name, source="keras_formula", optimizer=opt, formula=keras_formula(kind, hp),
                          dtype="float64", trajectory=ker))
        cases.append(dict(name=name, source="torch", optimizer=opt, formula=torch_formula(kind, hp),
                          dtype="float64", implementation="torch %s torch.optim.%s" % (
                              torch.__version__, {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}[kind]),
                          maxAbsDiffFromKerasFormula=d, trajectory=tor))
    jsonfmt.write(OUT, {
        "generator": "tests/reference/optimizers.py (PyTorch %s, numpy %s) + optimizers_tfjs.js"
                     % (torch.__version__, np.__version__),
        "note": "trajectory[k] = parameters after step k+1. keras_formula is the reference for RnnGen; "
                "torch and tfjs show how the frameworks differ.",
        "initialParameters": [float(x) for x in p0],
        "gradients": [[float(x) for x in g] for g in grads],
        "cases": cases,
    })
    print("wrote", OUT)


if __name__ == "__main__":
    main()
