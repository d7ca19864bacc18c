#!/usr/bin/python3
"""Fits the rational tanh of RnnGen.CompilerServices.Activations.Tanh and measures its float error.

tanh(x) = x P(x^2) / Q(x^2) on |x| <= 9.1 (the argument is clamped there: from 9.01 on float tanh is +-1), P and Q of
degree 5 in x^2 with P(0) = Q(0) = 1, evaluated in double. The fit minimizes the maximum relative error: Loeb's
linearized least squares (the residual g Q - P, weighted by 1 / (g Q_previous)) with Lawson reweighting toward minimax.

Prints the C# coefficients and the error after rounding to float (in float ulp) over every float in [2^-12, 9.1]
(below that tanh x rounds to x and the rational is x (1 + O(x^2))), plus a log-spaced sweep of the tiny ones.
numpy only: /usr/bin/python3 tests/reference/tanh_rational_scalar.py
"""
import numpy as np

DEGREE = 5
LIMIT = 9.1
Y_MAX = LIMIT * LIMIT


def g(y):
    """tanh(x) / x as a function of y = x^2 (1 at 0)."""
    x = np.sqrt(y)
    out = np.ones_like(y)
    nz = x > 0
    out[nz] = np.tanh(x[nz]) / x[nz]
    return out


def fit():
    # Sample points dense in x (where tanh bends), fitted in u = y / Y_MAX for conditioning.
    x = LIMIT * (1 - np.cos(np.linspace(0, np.pi / 2, 40001)))
    x = np.unique(np.concatenate([x, np.linspace(0, LIMIT, 20001)]))
    y = x * x
    u = y / Y_MAX
    t = g(y)
    powers = np.stack([u ** k for k in range(1, DEGREE + 1)], axis=1)
    q_prev = np.ones_like(u)
    lawson = np.ones_like(u) / len(u)
    best = None
    for it in range(200):
        # sum p_k u^k - t sum q_k u^k = t - 1, each row weighted for relative error and by Lawson's weights
        w = np.sqrt(lawson) / (t * q_prev)
        a = np.concatenate([powers, -t[:, None] * powers], axis=1) * w[:, None]
        b = (t - 1) * w
        c, *_ = np.linalg.lstsq(a, b, rcond=None)
        p = np.concatenate([[1.0], c[:DEGREE]])
        q = np.concatenate([[1.0], c[DEGREE:]])
        pv = np.polyval(p[::-1], u)
        qv = np.polyval(q[::-1], u)
        err = np.abs(pv / qv / t - 1)
        if best is None or err.max() < best[0]:
            best = (err.max(), p.copy(), q.copy())
        q_prev = qv
        lawson = lawson * (err + 1e-300)
        lawson /= lawson.sum()
    rel, p, q = best
    scale = Y_MAX ** -np.arange(DEGREE + 1)
    return rel, p * scale, q * scale


def estrin(c, y, y2, y4):
    """c0 + c1 y + ... + c5 y^5 as the C# evaluates it: (c0 + c1 y) + (c2 + c3 y) y2 + (c4 + c5 y) y4."""
    return (c[0] + c[1] * y) + (c[2] + c[3] * y) * y2 + (c[4] + c[5] * y) * y4


def tanh_model(xf, p, q):
    d = np.clip(xf.astype(np.float64), -LIMIT, LIMIT)
    y = d * d
    y2 = y * y
    y4 = y2 * y2
    return (d * estrin(p, y, y2, y4) / estrin(q, y, y2, y4)).astype(np.float32)


def ulp_error(actual, exact):
    rounded = exact.astype(np.float32)
    ulp = np.maximum(np.abs(np.nextafter(rounded, np.float32(np.inf)) - rounded).astype(np.float64), 2.0 ** -149)
    e = np.abs(actual.astype(np.float64) - exact) / ulp
    e[actual == rounded] = 0
    return e


def measure(p, q):
    worst, worst_x = 0.0, 0.0
    lo = np.float32(2.0 ** -12).view(np.int32)
    hi = np.float32(LIMIT).view(np.int32)
    chunk = 1 << 23
    for start in range(int(lo), int(hi) + 1, chunk):
        bits = np.arange(start, min(start + chunk, int(hi) + 1), dtype=np.int32)
        xf = bits.view(np.float32)
        e = ulp_error(tanh_model(xf, p, q), np.tanh(xf.astype(np.float64)))
        i = int(np.argmax(e))
        if e[i] > worst:
            worst, worst_x = float(e[i]), float(xf[i])
    tiny = np.geomspace(1e-30, 2.0 ** -12, 200001).astype(np.float32)
    e = ulp_error(tanh_model(tiny, p, q), np.tanh(tiny.astype(np.float64)))
    if e.max() > worst:
        worst, worst_x = float(e.max()), float(tiny[np.argmax(e)])
    # above the clamp the model gives tanh(9.1), which must round to 1
    assert tanh_model(np.array([9.1, 20.0, 1e30], np.float32), p, q).tolist() == [1.0, 1.0, 1.0]
    return worst, worst_x


def main():
    rel, p, q = fit()
    print(f"max relative error of the double rational on [0, {LIMIT}]: {rel:.3e}")
    for name, c in (("P", p), ("Q", q)):
        print(f"// {name}(y) = " + " + ".join(f"{name.lower()}{k} y^{k}" for k in range(DEGREE + 1)))
        for k in range(DEGREE + 1):
            print(f"private const double Tanh{name}{k} = {c[k]:.17e};")
    worst, at = measure(p, q)
    print(f"max error after rounding to float: {worst:.3f} ulp (at x = {at:.9g}); every float in [2^-12, {LIMIT}] and a log sweep below")


if __name__ == "__main__":
    main()
