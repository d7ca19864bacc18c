// Deterministic, diff-friendly JSON writer; the JavaScript twin of jsonfmt.py.
// Objects one key per line; arrays of plain numbers wrapped at NUMBERS_PER_LINE per line.
'use strict';
const fs = require('fs');

const NUMBERS_PER_LINE = 6;

function num(v) {
  if (!Number.isFinite(v)) throw new Error(`non-finite value in fixture: ${v}`);
  return Object.is(v, -0) ? '0' : String(v);
}

function fmt(obj, ind) {
  const pad = '  '.repeat(ind);
  const pad1 = '  '.repeat(ind + 1);
  if (Array.isArray(obj)) {
    if (obj.length === 0) return '[]';
    if (obj.every((v) => typeof v === 'number')) {
      const lines = [];
      for (let i = 0; i < obj.length; i += NUMBERS_PER_LINE) {
        lines.push(pad1 + obj.slice(i, i + NUMBERS_PER_LINE).map(num).join(', '));
      }
      if (lines.length === 1) return '[' + lines[0].trim() + ']';
      return '[\n' + lines.join(',\n') + '\n' + pad + ']';
    }
    return '[\n' + obj.map((v) => pad1 + fmt(v, ind + 1)).join(',\n') + '\n' + pad + ']';
  }
  if (obj !== null && typeof obj === 'object') {
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (keys.length === 0) return '{}';
    return '{\n' + keys.map((k) => `${pad1}${JSON.stringify(k)}: ${fmt(obj[k], ind + 1)}`).join(',\n') +
      '\n' + pad + '}';
  }
  if (typeof obj === 'number') return num(obj);
  return JSON.stringify(obj);
}

/** Shortest decimal that round-trips the float32 value v (tfjs computes in float32). */
function f32(v) {
  return Number(Math.fround(v).toPrecision(9));
}

function write(path, obj) {
  fs.writeFileSync(path, fmt(obj, 0) + '\n');
}

module.exports = { write, f32, dumps: (o) => fmt(o, 0) + '\n' };
