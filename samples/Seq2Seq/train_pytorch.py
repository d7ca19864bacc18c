"""Trains the Seq2Seq sample's encoder-decoder in PyTorch and writes what the C# sample loads.

    python3 samples/Seq2Seq/train_pytorch.py            # under 2 minutes on one CPU core (PyTorch 1.13)

The task: reverse a sequence of 5-8 digits. Tokens (13): 0 = <pad>, 1 = <s>, 2 = </s>, 3..12 = the digits 0..9.
- The encoder reads the source left-padded to 8 tokens with <pad>, so its final state follows the last digit:
  Embedding(13, 16) -> LSTM(16, 64); only its final (h_n, c_n) is used.
- The decoder starts from the encoder's (h_n, c_n), reads <s> then the reversed digits (teacher forcing) and
  predicts the reversed digits then </s>: Embedding(13, 16) -> LSTM(16, 64) -> Linear(64, 13).

Writes, next to this script:
- weights/encoder.pt, weights/decoder.pt: torch.save(module.state_dict()) of each half (RnnGen's ImportWeights
  maps embedding -> Embedding, lstm -> Lstm, fc -> Dense);
- weights/heldout.json: 1,000 held-out sources (never trained on), each with PyTorch's own greedy decode, and for
  the first few the encoder's final state and the decoder's teacher-forced softmax, to compare numerically.
"""
import json
import os
import random
import time

import torch
import torch.nn as nn

PAD, SOS, EOS, DIGIT0 = 0, 1, 2, 3
VOCAB = 13
MIN_LEN, MAX_LEN = 5, 8
DECODE_STEPS = MAX_LEN + 1  # the digits, then </s>
EMBED, UNITS = 16, 64
HELDOUT, DETAILED = 1000, 4
SEED = 0
HERE = os.path.dirname(os.path.abspath(__file__))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBED)   # modules in forward order: ImportWeights maps them in this order
        self.lstm = nn.LSTM(EMBED, UNITS, batch_first=True)

    def forward(self, source):                       # [B, 8] token ids
        _, (h, c) = self.lstm(self.embedding(source))
        return h, c                                  # [1, B, 64] each


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBED)
        self.lstm = nn.LSTM(EMBED, UNITS, batch_first=True)
        self.fc = nn.Linear(UNITS, VOCAB)

    def forward(self, tokens, state):                # [B, T] ids, (h, c) -> logits [B, T, 13], (h, c)
        y, state = self.lstm(self.embedding(tokens), state)
        return self.fc(y), state


def pad_source(digits):
    return [PAD] * (MAX_LEN - len(digits)) + [DIGIT0 + d for d in digits]


def random_digits(rng):
    return tuple(rng.randrange(10) for _ in range(rng.randint(MIN_LEN, MAX_LEN)))


def batch(rng, size, excluded):
    sources, inputs, targets = [], [], []
    while len(sources) < size:
        digits = random_digits(rng)
        if digits in excluded:
            continue
        rev = [DIGIT0 + d for d in reversed(digits)]
        sources.append(pad_source(digits))
        inputs.append([SOS] + rev + [PAD] * (DECODE_STEPS - 1 - len(rev)))
        targets.append(rev + [EOS] + [PAD] * (DECODE_STEPS - 1 - len(rev)))
    return torch.tensor(sources), torch.tensor(inputs), torch.tensor(targets)


@torch.no_grad()
def greedy(encoder, decoder, digits):
    """<s>, then feed back the argmax until </s> or DECODE_STEPS tokens: what the C# sample does with Step."""
    state = encoder(torch.tensor([pad_source(digits)]))
    token, out = SOS, []
    for _ in range(DECODE_STEPS):
        logits, state = decoder(torch.tensor([[token]]), state)
        token = int(logits[0, -1].argmax())
        if token < DIGIT0:
            break  # </s> (or, never seen after training, <pad> / <s>) ends the output
        out.append(token - DIGIT0)
    return out


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)  # small matrices: a second thread only adds synchronisation
    rng = random.Random(SEED)

    heldout = []
    seen = set()
    while len(heldout) < HELDOUT:
        digits = random_digits(rng)
        if digits not in seen:
            seen.add(digits)
            heldout.append(digits)

    encoder, decoder = Encoder(), Decoder()
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=0.01)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    steps, batch_size = 1500, 128
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)

    start = time.time()
    for step in range(1, steps + 1):
        source, inputs, targets = batch(rng, batch_size, seen)
        logits, _ = decoder(inputs, encoder(source))
        loss = loss_fn(logits.reshape(-1, VOCAB), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        if step % 250 == 0:
            print(f"step {step}/{steps}  loss {loss.item():.4f}  {time.time() - start:.0f} s", flush=True)

    encoder.eval()
    decoder.eval()
    pairs, correct = [], 0
    for i, digits in enumerate(heldout):
        decoded = greedy(encoder, decoder, digits)
        correct += decoded == list(reversed(digits))
        pair = {"source": list(digits), "pytorch": decoded}
        if i < DETAILED:
            with torch.no_grad():
                h, c = encoder(torch.tensor([pad_source(digits)]))
                rev = [DIGIT0 + d for d in reversed(digits)]
                inputs = torch.tensor([[SOS] + rev + [PAD] * (DECODE_STEPS - 1 - len(rev))])
                logits, _ = decoder(inputs, (h, c))
            pair["encoder_state"] = h[0, 0].tolist() + c[0, 0].tolist()  # RnnGen's StateSize layout: h then c
            pair["teacher_forced"] = torch.softmax(logits[0], -1).reshape(-1).tolist()
        pairs.append(pair)

    accuracy = correct / len(heldout)
    print(f"held-out sequence accuracy (PyTorch greedy): {accuracy:.4f}  ({correct}/{len(heldout)}), trained in {time.time() - start:.0f} s")

    os.makedirs(os.path.join(HERE, "weights"), exist_ok=True)
    torch.save(encoder.state_dict(), os.path.join(HERE, "weights", "encoder.pt"))
    torch.save(decoder.state_dict(), os.path.join(HERE, "weights", "decoder.pt"))
    with open(os.path.join(HERE, "weights", "heldout.json"), "w") as f:
        json.dump({
            "torch": torch.__version__,
            "tokens": {"pad": PAD, "start": SOS, "end": EOS, "digit0": DIGIT0, "vocabulary": VOCAB},
            "sourceLength": MAX_LEN,
            "decodeSteps": DECODE_STEPS,
            "units": UNITS,
            "trainingSteps": steps,
            "pytorchAccuracy": accuracy,
            "pairs": pairs,
        }, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
