"""Deterministic, diff-friendly JSON writer shared by the reference generators.

Objects are indented one key per line; arrays of plain numbers are wrapped at
NUMBERS_PER_LINE values per line so a changed value touches one short line.
Floats are written with repr() (shortest round-trip form of the float64).
The JavaScript twin is jsonfmt.js; both produce the same layout.
"""
import json
import math

NUMBERS_PER_LINE = 6


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _num(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if math.isnan(v) or math.isinf(v):
        raise ValueError("non-finite value in fixture: %r" % v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v)) if v != 0 or math.copysign(1, v) > 0 else "0"
    return repr(float(v))


def _fmt(obj, ind):
    pad = "  " * ind
    pad1 = "  " * (ind + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = ["%s%s: %s" % (pad1, json.dumps(k), _fmt(v, ind + 1)) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        if all(_is_number(v) for v in obj):
            lines = []
            for i in range(0, len(obj), NUMBERS_PER_LINE):
                lines.append(pad1 + ", ".join(_num(v) for v in obj[i:i + NUMBERS_PER_LINE]))
            if len(lines) == 1:
                return "[" + lines[0].strip() + "]"
            return "[\n" + ",\n".join(lines) + "\n" + pad + "]"
        return "[\n" + ",\n".join(pad1 + _fmt(v, ind + 1) for v in obj) + "\n" + pad + "]"
    if _is_number(obj):
        return _num(obj)
    return json.dumps(obj)


def dumps(obj):
    return _fmt(obj, 0) + "\n"


def write(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(obj))
