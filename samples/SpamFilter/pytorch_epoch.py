#!/usr/bin/env python3
"""Times one training epoch of the SpamFilter sample's model in PyTorch (docs/benchmarks.md).

    /usr/bin/python3 samples/SpamFilter/pytorch_epoch.py [--lstm] [--epochs 3]

Same data and model as `dotnet run --project samples/SpamFilter -c Release`: data/spam.tsv, Keras's Tokenizer
(num_words=10000, the transcription in tests/reference/toolkit_keras_formulas.py) fit on the first 80%,
pad_sequences(maxlen=100, padding="pre", truncating="pre"), the first 80% trained in shuffled batches of 128;
nn.Embedding(10000, 32) -> nn.RNN(32, tanh) | nn.LSTM(32) -> nn.Linear(32, 1) -> sigmoid, nn.BCELoss,
torch.optim.RMSprop(lr=1e-3, alpha=0.9, eps=1e-7). Every core as intra-op threads (torch.set_num_threads).
Prints seconds per training epoch (the epoch loop only: forward, backward, optimizer step) and the
validation accuracy after the last epoch, so the run can be checked to learn like RnnGen's.
"""
import argparse
import os
import sys
import time

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
from toolkit_keras_formulas import KerasTokenizer  # noqa: E402

VOCABULARY, LENGTH, BATCH, SPLIT = 10000, 100, 128, 0.2


def pad(sequences, maxlen):
    out = torch.zeros(len(sequences), maxlen, dtype=torch.long)
    for i, s in enumerate(sequences):
        s = s[-maxlen:]  # truncating="pre"
        if s:
            out[i, maxlen - len(s):] = torch.tensor(s)  # padding="pre"
    return out


class SpamNet(nn.Module):
    def __init__(self, lstm):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 32)
        self.rnn = nn.LSTM(32, 32, batch_first=True) if lstm else nn.RNN(32, 32, batch_first=True)
        self.dense = nn.Linear(32, 1)

    def forward(self, x):
        out, _ = self.rnn(self.embedding(x))
        return torch.sigmoid(self.dense(out[:, -1]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lstm", action="store_true")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(len(os.sched_getaffinity(0)))  # this Debian build defaults to 1 thread; use every core

    labels, texts = [], []
    with open(os.path.join(HERE, "data", "spam.tsv"), encoding="utf-8") as f:
        for row in f:
            label, _, text = row.rstrip("\n").split("\t")
            labels.append(float(label))
            texts.append(text)
    train_count = int(len(texts) * (1 - SPLIT))
    tokenizer = KerasTokenizer(num_words=VOCABULARY)
    tokenizer.fit_on_texts(texts[:train_count])
    x = pad(tokenizer.texts_to_sequences(texts), LENGTH)
    y = torch.tensor(labels).unsqueeze(1)
    x_train, y_train, x_val, y_val = x[:train_count], y[:train_count], x[train_count:], y[train_count:]

    torch.manual_seed(0)
    model = SpamNet(args.lstm)
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    times = []
    for epoch in range(args.epochs):
        order = torch.randperm(train_count)
        start = time.perf_counter()
        for b in range(0, train_count, BATCH):
            idx = order[b:b + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
        with torch.no_grad():
            accuracy = ((model(x_val) > 0.5).float() == y_val).float().mean().item()
        print("epoch %d: %.2f s, last batch loss %.4f, val_accuracy %.4f" % (epoch + 1, times[-1], loss.item(), accuracy))
    print("torch %s, %d thread(s), %s: %.2f s per epoch (mean of epochs 2..%d; first epoch %.2f s)" % (
        torch.__version__, torch.get_num_threads(), "LSTM(32)" if args.lstm else "SimpleRNN(32)",
        sum(times[1:]) / max(1, len(times) - 1), len(times), times[0]))


if __name__ == "__main__":
    main()
