#!/usr/bin/env python3
"""Reference values for Keras algorithms that cannot be run here (issue 10):
    /usr/bin/python3 toolkit_keras_formulas.py      # -> fixtures/toolkit_keras.json

1. keras.metrics.AUC() defaults (num_thresholds=200, curve="ROC", summation_method="interpolation"),
   re-implemented from the Keras 3 source, keras/src/metrics/confusion_metrics.py (class AUC:
   __init__ thresholds, result) and keras/src/metrics/metrics_utils.py
   (update_confusion_matrix_variables: a prediction is positive at threshold t when y_pred > t):
       thresholds = [0 - 1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7]   (float32)
       tp, fp, tn, fn per threshold;  tpr = tp / (tp + fn), fpr = fp / (fp + tn)  (divide_no_nan)
       auc = sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)
   Checked against the Keras docstring example (num_thresholds=3 -> 0.75) and against the exact
   ROC AUC (Mann-Whitney statistic, computed with torch) to within the 200-threshold discretization.
   TensorFlow.js 4.22 has no AUC metric, hence a formula script.

2. keras.preprocessing.text.Tokenizer (keras_preprocessing/text.py, keras-team/keras-preprocessing;
   Keras's Tokenizer is not installable here), re-implemented line by line from that source:
   text_to_word_sequence (lower, filters -> split, str.split(" "), drop empty), fit_on_texts
   (OrderedDict word counts, stable sort by count descending, oov_token forced to index 1,
   dict(zip(...)) from index 1), texts_to_sequences_generator (num_words: keep i < num_words,
   otherwise the oov index or nothing).
"""
import collections
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonfmt  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "toolkit_keras.json")
EPSILON = 1e-7  # keras.backend.epsilon()


# ---------------------------------------------------------------- AUC (Keras formula)
def keras_auc(y_true, y_pred, num_thresholds=200):
    thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    thresholds = np.array([0.0 - EPSILON] + thresholds + [1.0 + EPSILON]).astype(np.float32)
    y_true = np.asarray(y_true, dtype=np.float32).reshape(-1)
    y_pred = np.asarray(y_pred, dtype=np.float32).reshape(-1)
    above = y_pred[None, :] > thresholds[:, None]           # [thresholds, samples]
    positive = (y_true == 1)[None, :]
    tp = np.sum(above & positive, axis=1).astype(np.float64)
    fp = np.sum(above & ~positive, axis=1).astype(np.float64)
    fn = np.sum(~above & positive, axis=1).astype(np.float64)
    tn = np.sum(~above & ~positive, axis=1).astype(np.float64)

    def divide_no_nan(a, b):
        return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))

    tpr = divide_no_nan(tp, tp + fn)
    fpr = divide_no_nan(fp, fp + tn)
    heights = (tpr[:num_thresholds - 1] + tpr[1:]) / 2.0
    return float(np.sum((fpr[:num_thresholds - 1] - fpr[1:]) * heights))


def exact_auc(y_true, y_pred):
    """P(score of a positive > score of a negative) + 0.5 P(tie), with torch."""
    t = torch.tensor(y_true, dtype=torch.float64)
    p = torch.tensor(y_pred, dtype=torch.float64)
    pos, neg = p[t == 1], p[t == 0]
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).double() + 0.5 * (diff == 0).double()).mean())


def f32(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32)]


def auc_cases():
    assert abs(keras_auc([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], num_thresholds=3) - 0.75) < 1e-12  # Keras docstring
    rng = np.random.default_rng(2024)
    cases = [
        ("docstring_3_thresholds", [0, 0, 1, 1], f32([0, 0.5, 0.3, 0.9]), 3),
        ("docstring_200_thresholds", [0, 0, 1, 1], f32([0, 0.5, 0.3, 0.9]), 200),
        ("perfect", [0, 0, 0, 1, 1], f32([0.1, 0.2, 0.3, 0.8, 0.95]), 200),
        ("inverted", [1, 1, 0, 0], f32([0.1, 0.2, 0.8, 0.9]), 200),
        ("ends_0_and_1", [1, 0, 1, 0, 1, 0], f32([1.0, 0.0, 0.0, 1.0, 1.0, 0.0]), 200),
        ("one_class_only", [0, 0, 0], f32([0.2, 0.7, 0.4]), 200),
        ("on_thresholds", [1, 0, 1, 0, 1], f32([0.5, 0.5, 100 / 199, 1 / 199, 198 / 199]), 200),
    ]
    labels = (rng.random(300) < 0.3).astype(int)
    scores = np.clip(0.35 * labels + 0.3 + rng.normal(0, 0.2, 300), 0, 1)
    cases.append(("random300", labels.tolist(), f32(scores), 200))
    out = []
    for name, y_true, y_pred, n in cases:
        auc = keras_auc(y_true, y_pred, n)
        entry = {"name": name, "numThresholds": n, "yTrue": list(map(int, y_true)), "yPred": y_pred, "auc": auc}
        if 0 < sum(y_true) < len(y_true):
            entry["exactAuc"] = exact_auc(y_true, y_pred)
            if n == 200 and len(y_true) >= 100:  # tiny cases: the discretization dominates
                assert abs(auc - entry["exactAuc"]) < 0.02, (name, auc, entry["exactAuc"])
        out.append(entry)
    return out


# ---------------------------------------------------------------- Tokenizer (keras_preprocessing)
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text, filters=FILTERS, lower=True, split=" "):
    if lower:
        text = text.lower()
    translate_map = str.maketrans(dict((c, split) for c in filters))
    text = text.translate(translate_map)
    seq = text.split(split)
    return [i for i in seq if i]


class KerasTokenizer:
    def __init__(self, num_words=None, oov_token=None):
        self.word_counts = collections.OrderedDict()
        self.num_words = num_words
        self.oov_token = oov_token
        self.document_count = 0
        self.word_index = {}

    def fit_on_texts(self, texts):
        for text in texts:
            self.document_count += 1
            for w in text_to_word_sequence(text):
                if w in self.word_counts:
                    self.word_counts[w] += 1
                else:
                    self.word_counts[w] = 1
        wcounts = list(self.word_counts.items())
        wcounts.sort(key=lambda x: x[1], reverse=True)
        sorted_voc = [] if self.oov_token is None else [self.oov_token]
        sorted_voc.extend(wc[0] for wc in wcounts)
        self.word_index = dict(list(zip(sorted_voc, list(range(1, len(sorted_voc) + 1)))))

    def texts_to_sequences(self, texts):
        oov_token_index = self.word_index.get(self.oov_token)
        result = []
        for text in texts:
            vect = []
            for w in text_to_word_sequence(text):
                i = self.word_index.get(w)
                if i is not None:
                    if self.num_words and i >= self.num_words:
                        if oov_token_index is not None:
                            vect.append(oov_token_index)
                    else:
                        vect.append(i)
                elif self.oov_token is not None:
                    vect.append(oov_token_index)
            result.append(vect)
        return result


CORPUS = [
    "The cat sat on the mat.",
    "The dog ate my homework!!! Don't ask, the DOG did.",
    "Free money: click here -> http://example.com/win?prize=1&now=yes",
    "Tabs\tand\nnewlines\r\nsplit words; carriage returns do not.",
    "It's the cat's toy, not the dog's (really) [sic] {ok} ~tilde~ `tick` |pipe| ^caret^",
    "Ünïcödé Straße ÉCOLE naïve café -- and   many    spaces",
    "money money MONEY, free FREE free: win win",
    "<OOV> is just text here, and so is <oov>",
]
QUERIES = [
    "the cat ate the money",
    "An unseen word, and the dog!",
    "FREE money & cats: http://example.com",
    "",
    "naïve café straße",
]


def tokenizer_cases():
    out = []
    for num_words, oov in [(None, None), (6, None), (6, "<OOV>"), (None, "<OOV>"), (1, "<OOV>"), (3, "oov")]:
        tok = KerasTokenizer(num_words=num_words, oov_token=oov)
        tok.fit_on_texts(CORPUS)
        out.append({
            "numWords": num_words or 0,
            "oovToken": oov,
            "documentCount": tok.document_count,
            "wordIndex": dict(sorted(tok.word_index.items(), key=lambda kv: kv[1])),
            "wordCounts": dict(tok.word_counts),
            "fitSequences": tok.texts_to_sequences(CORPUS),
            "querySequences": tok.texts_to_sequences(QUERIES),
        })
    return out


def main():
    jsonfmt.write(OUT, {
        "generator": "tests/reference/toolkit_keras_formulas.py (numpy %s, torch %s): Keras formulas re-implemented, see the docstring"
                     % (np.__version__, torch.__version__),
        "auc": auc_cases(),
        "tokenizer": {"corpus": CORPUS, "queries": QUERIES, "filters": FILTERS, "cases": tokenizer_cases()},
    })
    print("wrote", OUT)


if __name__ == "__main__":
    main()
