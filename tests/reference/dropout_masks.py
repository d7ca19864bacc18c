"""RnnGen's dropout masks, in Python: the twin of src/RnnGen/CompilerServices/Dropout.cs.

    import dropout_masks
    dropout_masks.mask(rate, seed, sequence, stream, count)  # -> numpy float32 [count]

A counter-based generator, so element e of a mask depends only on (seed, sequence, stream, e):
  mix = SplitMix64's finalizer, PHI = 0x9E3779B97F4A7C15, all arithmetic mod 2^64;
  key = mix(mix(mix(seed + PHI) + sequence * PHI) + stream * PHI);
  u_e = mix(key + (e + 1) * PHI) >> 40 (24 uniform bits);
  element e is 0 when u_e < floor(double(float32(rate)) * 2^24), else float32(1) / (float32(1) - float32(rate))
  (Keras's inverted scaling 1 / (1 - rate), computed in float32 as `1f / (1f - rate)`).
The rate is a float32 in RnnGen, so the threshold is taken from float32(rate) widened to double, as C#'s
`(double)rate * 16777216.0`. `sequence` may be negative (C# long, reinterpreted mod 2^64 as `(ulong)sequence`).

Streams (Dropout.Stream): 256 * (layer + 1) + 16 * part + index, parts below. Layer = the index of the weighted layer
(a [Dropout] layer is not counted; a [Dropout] before the first layer is numbered -1, after layer i it is i).
"""
import numpy as np

M64 = (1 << 64) - 1
PHI = 0x9E3779B97F4A7C15

LAYER_PART = 0               # a [Dropout] layer after the layer it is numbered by
INPUT_PART = 1               # a recurrent layer's `dropout`
RECURRENT_PART = 2           # a recurrent layer's `recurrent_dropout`
BACKWARD_INPUT_PART = 3      # the backward direction of a Bidirectional layer
BACKWARD_RECURRENT_PART = 4


def mix(z):
    """SplitMix64's finalizer, on Python ints mod 2^64."""
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def stream(layer, part, index):
    return 256 * (layer + 1) + 16 * part + index


def key(seed, sequence, stream_):
    return mix(mix(mix(seed + PHI) + (sequence & M64) * PHI) + (stream_ & M64) * PHI)


def threshold(rate):
    return int(float(np.float32(rate)) * 16777216.0)


def scale(rate):
    """float32 1 / (1 - rate), each operation in float32 (C# `1f / (1f - rate)`)."""
    r = np.float32(rate)
    return np.float32(np.float32(1.0) / (np.float32(1.0) - r))


def mask(rate, seed, sequence, stream_, count):
    """The mask of `count` elements: numpy float32, each 0 or scale(rate)."""
    r = float(np.float32(rate))
    if not (0.0 <= r < 1.0):
        raise ValueError("a dropout rate must be in [0, 1); got %r" % rate)
    k, t, kept = key(seed, sequence, stream_), threshold(rate), scale(rate)
    out = np.empty(count, dtype=np.float32)
    for e in range(count):
        u = mix(k + (e + 1) * PHI) >> 40
        out[e] = np.float32(0.0) if u < t else kept
    return out


def element(rate, seed, sequence, stream_, e):
    return mask_element_from_key(key(seed, sequence, stream_), rate, e)


def mask_element_from_key(k, rate, e):
    u = mix(k + (e + 1) * PHI) >> 40
    return np.float32(0.0) if u < threshold(rate) else scale(rate)


if __name__ == "__main__":
    m = mask(0.5, 42, 0, stream(0, INPUT_PART, 0), 100000)
    print("rate 0.5 kept fraction over 1e5:", float(np.mean(m != 0)), "values:", sorted(set(m.tolist())))
