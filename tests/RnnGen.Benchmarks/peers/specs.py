"""The benchmark model shapes (no torch import, so make_report.py runs on any python3)."""

# name: (kind, timesteps, features, units, dense units, dense activation)
SPECS = {
    "letter": ("rnn", 1, 5, 3, 5, "softmax"),
    "srnn32": ("rnn", 50, 8, 32, 1, "linear"),
    "lstm32": ("lstm", 50, 8, 32, 1, "linear"),
    "gru64": ("gru", 100, 16, 64, 4, "linear"),
}
