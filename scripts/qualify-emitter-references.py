#!/usr/bin/env python3
"""Rewrites library references inside the C# string literals of emitter files to global::-qualified names.

Generated code must not be broken by a user type named Guard, Random, Span, ... in the model's namespace, so every
type it references is written global::-qualified (HardeningTests.User_types_named_like_ours_do_not_break_the_generated_code).
Usage: scripts/qualify-emitter-references.py generator/RnnGen.Generator/Emit/NewEmitter.cs ...
Only text inside string literals (outside interpolation holes, before any '//' comment) is touched; it prints each
change. Review the diff and re-accept snapshots afterwards. Idempotent: already-qualified names are left alone.
"""
import re
import sys


def literal_segments(src):
    """(start, end) of the literal text of every string literal, excluding interpolation holes."""
    i, n, out = 0, len(src), []
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i)
            i = n if j < 0 else j
            continue
        if c == "'":
            j = i + 1
            while src[j] != "'":
                j += 2 if src[j] == '\\' else 1
            i = j + 1
            continue
        if c == '"' or (c in '$@' and i + 1 < n and src[i + 1] in '"$@'):
            prefix = src[i:src.index('"', i)]
            interpolated, verbatim = '$' in prefix, '@' in prefix
            j = src.index('"', i) + 1
            seg = j
            while True:
                ch = src[j]
                if ch == '\\' and not verbatim:
                    j += 2
                    continue
                if ch == '"':
                    if verbatim and src[j + 1] == '"':
                        j += 2
                        continue
                    out.append((seg, j))
                    j += 1
                    break
                if interpolated and ch == '{':
                    if src[j + 1] == '{':
                        j += 2
                        continue
                    out.append((seg, j))
                    depth, j = 1, j + 1
                    while depth:
                        if src[j] == '{':
                            depth += 1
                        elif src[j] == '}':
                            depth -= 1
                        elif src[j] == '"':
                            k = j + 1
                            while src[k] != '"':
                                k += 2 if src[k] == '\\' else 1
                            j = k
                        j += 1
                    seg = j
                    continue
                if interpolated and ch == '}' and src[j + 1] == '}':
                    j += 2
                    continue
                j += 1
            i = j
            continue
        i += 1
    return out


QUALIFIED = {
    'Span': 'global::System.Span', 'ReadOnlySpan': 'global::System.ReadOnlySpan', 'Random': 'global::System.Random',
    'Math': 'global::System.Math', 'MathF': 'global::System.MathF', 'Array': 'global::System.Array',
    'ThreadStatic': 'global::System.ThreadStatic', 'IReadOnlyList': 'global::System.Collections.Generic.IReadOnlyList',
    'MethodImpl': 'global::System.Runtime.CompilerServices.MethodImpl',
    'MethodImplOptions': 'global::System.Runtime.CompilerServices.MethodImplOptions',
    'Kernels': 'global::RnnGen.CompilerServices.Kernels', 'Guard': 'global::RnnGen.CompilerServices.Guard',
    'Activations': 'global::RnnGen.CompilerServices.Activations', 'Initializers': 'global::RnnGen.CompilerServices.Initializers',
    'Activation': 'global::RnnGen.Activation', 'IRnnModel': 'global::RnnGen.IRnnModel', 'LayerInfo': 'global::RnnGen.LayerInfo',
    'TensorInfo': 'global::RnnGen.TensorInfo', 'LayerKind': 'global::RnnGen.LayerKind',
}
NAMES = '|'.join(sorted(QUALIFIED, key=len, reverse=True))
AT_START = re.compile(r'(?<![\w.:@<"])(' + NAMES + r')(?=\s*[<.(\[\]>,])')
AFTER_ANGLE = re.compile(r'(?<=<)(' + NAMES + r')(?=[<.(\[\]>,])')

for path in sys.argv[1:]:
    src = open(path, encoding='utf-8').read()
    pieces, last = [], 0
    for a, b in literal_segments(src):
        text = src[a:b]
        cut = text.find('//')
        head, tail = (text, '') if cut < 0 else (text[:cut], text[cut:])
        new = text if head.startswith('using ') else AFTER_ANGLE.sub(
            lambda m: QUALIFIED[m.group(1)], AT_START.sub(lambda m: QUALIFIED[m.group(1)], head)) + tail
        if new != text:
            print(f'{path}: {text!r} -> {new!r}')
        pieces += [src[last:a], new]
        last = b
    pieces.append(src[last:])
    open(path, 'w', encoding='utf-8').write(''.join(pieces))
