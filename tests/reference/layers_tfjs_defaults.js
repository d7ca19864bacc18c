// Reference values for recurrent_activation, from real TensorFlow.js (float32, Keras layers API).
//
// TensorFlow.js's LSTM and GRU default to recurrentActivation 'hardSigmoid' (clip(0.2 x + 0.5, 0, 1)) and its GRU
// to resetAfter false. The LSTM and GRU cases below pass NO recurrentActivation and NO resetAfter, so they are the
// tfjs defaults (the script asserts what getConfig() reports); a few cases set other element-wise gate activations,
// and one puts hardSigmoid on SimpleRNN and Dense. Parameters and inputs come from a seeded generator here, are
// loaded with layer.setWeights, and the script records output, dL/dinput (tf.grad) and dL/dparameters
// (tf.variableGrads over model.trainableWeights) for L = sum(output * outputGradient). Same case format as
// layers_keras.json; writes fixtures/layers_tfjs_defaults.json.
//
// Every case is also computed by an explicit float64 cell loop below (independent of tfjs), which must agree to
// 1e-5 relative. Weights and inputs are drawn wide (uniform(-1.5, 1.5) and (-3, 3)) so that a good share of the gate
// pre-activations lies outside [-2.5, 2.5], where hardSigmoid saturates and its gradient is 0; the script reports
// that share, and rejects a draw (next seed) that puts any hardSigmoid argument within 1e-3 of the kinks at ±2.5,
// where float32 rounding could flip the gradient between 0.2 and 0.
//
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node layers_tfjs_defaults.js
'use strict';
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FIX = path.join(__dirname, 'fixtures');
const TOLERANCE = 1e-5; // |tfjs - explicit| / max(1, |explicit|)
const KINK_MARGIN = 1e-3;

// Same Unpack-gradient fix as layers_keras.js (tfjs 4.22.0 passes a lone tensor when an axis has length 1).
tf.registerGradient({
  kernelName: 'Unpack',
  gradFunc: (dy, saved, attrs) => ({ value: () => tf.stack(Array.isArray(dy) ? dy : [dy], attrs.axis) }),
});

const srnn = (units, extra = {}) => ({ kind: 'SimpleRnn', units, activation: 'tanh', returnSequences: false, useBias: true, goBackwards: false, ...extra });
const lstm = (units, extra = {}) => ({ kind: 'Lstm', units, activation: 'tanh', returnSequences: false, useBias: true, goBackwards: false, ...extra });
const gru = (units, extra = {}) => ({ kind: 'Gru', units, activation: 'tanh', returnSequences: false, useBias: true, goBackwards: false, ...extra });
const dense = (units, activation = 'linear') => ({ kind: 'Dense', units, activation, useBias: true });

// recurrentActivation / resetAfter absent = the tfjs default (hardSigmoid, false); the fixture records the value used.
const CASES = [
  { name: 'lstm_tfjs_defaults', timesteps: 5, features: 3, layers: [lstm(4), dense(2)] },
  { name: 'lstm_tfjs_stacked_backwards', timesteps: 4, features: 2, layers: [lstm(5, { returnSequences: true, goBackwards: true }), lstm(3), dense(1)] },
  { name: 'gru_tfjs_defaults', timesteps: 5, features: 3, layers: [gru(4), dense(2)] },
  { name: 'gru_tfjs_seq_backwards', timesteps: 6, features: 2, layers: [gru(5, { returnSequences: true, goBackwards: true }), dense(2, 'hardSigmoid')] },
  { name: 'gru_tfjs_nobias', timesteps: 4, features: 3, layers: [gru(3, { useBias: false }), dense(1)] },
  { name: 'srnn_hard_sigmoid', timesteps: 4, features: 3, layers: [srnn(5, { activation: 'hardSigmoid', returnSequences: true }), srnn(4, { activation: 'hardSigmoid' }), dense(2, 'hardSigmoid')] },
  { name: 'lstm_tanh_gates', timesteps: 4, features: 3, layers: [lstm(4, { recurrentActivation: 'tanh' }), dense(2)] },
  { name: 'gru_linear_gates', timesteps: 4, features: 2, layers: [gru(3, { recurrentActivation: 'linear', returnSequences: true }), dense(2)] },
  { name: 'lstm_tfjs_lanes20', timesteps: 4, features: 3, layers: [lstm(20), dense(2)] },
  { name: 'gru_tfjs_lanes13_stacked', timesteps: 4, features: 3, layers: [gru(13, { returnSequences: true }), gru(9), dense(1)] },
];

// ---- deterministic draws: mulberry32, seeded by FNV-1a of the case name plus k ----
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uniform = (rand, n, lo, hi) => Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * rand()));

// ---- tfjs ----
function buildModel(c) {
  const model = tf.sequential();
  c.layers.forEach((l, i) => {
    const args = { units: l.units, activation: l.activation, useBias: l.useBias };
    if (l.kind !== 'Dense') Object.assign(args, { returnSequences: l.returnSequences, goBackwards: l.goBackwards });
    if (l.recurrentActivation !== undefined) args.recurrentActivation = l.recurrentActivation;
    if (i === 0) args.inputShape = l.kind === 'Dense' ? [c.features] : [c.timesteps, c.features];
    const layer = { SimpleRnn: tf.layers.simpleRNN, Lstm: tf.layers.lstm, Gru: tf.layers.gru, Dense: tf.layers.dense }[l.kind](args);
    model.add(layer);
  });
  return model;
}

/** The layer specs as the fixture records them: what tfjs's getConfig() reports for the options RnnGen has. */
function recordedLayers(c, model) {
  return c.layers.map((l, i) => {
    const config = model.layers[i].getConfig();
    const spec = { ...l };
    if (l.kind === 'Lstm' || l.kind === 'Gru') spec.recurrentActivation = config.recurrentActivation;
    if (l.kind === 'Gru') spec.resetAfter = config.resetAfter === true;
    if ((l.kind === 'Lstm' || l.kind === 'Gru') && l.recurrentActivation === undefined && config.recurrentActivation !== 'hardSigmoid') {
      throw new Error(`${c.name}: tfjs default recurrentActivation is ${config.recurrentActivation}, expected hardSigmoid`);
    }
    if (l.kind === 'Gru' && config.resetAfter) throw new Error(`${c.name}: tfjs GRU resetAfter is true`);
    return spec;
  });
}

function setParameters(model, flat) {
  let offset = 0;
  for (const layer of model.layers) {
    layer.setWeights(layer.getWeights().map((w) => {
      const t = tf.tensor(flat.slice(offset, offset + w.size), w.shape, 'float32');
      offset += w.size;
      return t;
    }));
  }
  if (offset !== flat.length) throw new Error(`parameter count ${offset} != ${flat.length}`);
}

function parameterCount(c) {
  let width = c.features;
  let n = 0;
  for (const l of c.layers) {
    const gates = { SimpleRnn: 1, Lstm: 4, Gru: 3, Dense: 1 }[l.kind];
    const u = l.units;
    n += width * gates * u + (l.kind === 'Dense' ? 0 : u * gates * u) + (l.useBias ? gates * u : 0);
    width = u;
  }
  return n;
}

function runTfjs(c, parameters, input, outputGradient) {
  return tf.tidy(() => {
    const model = buildModel(c);
    const layers = recordedLayers(c, model);
    setParameters(model, parameters);
    const x = tf.tensor3d(input, [1, c.timesteps, c.features], 'float32');
    const out = model.apply(x, { training: true });
    const g = tf.tensor(outputGradient, out.shape, 'float32');
    const loss = (inp) => tf.sum(tf.mul(model.apply(inp, { training: true }), g));
    const vars = model.trainableWeights.map((w) => w.read());
    const { grads } = tf.variableGrads(() => loss(x), vars);
    const parameterGradient = [];
    for (const v of vars) parameterGradient.push(...grads[v.name].dataSync());
    return {
      layers,
      output: Array.from(out.dataSync()),
      parameterGradient,
      inputGradient: Array.from(tf.grad(loss)(x).dataSync()),
    };
  });
}

// ---- explicit float64 forward (no tfjs): the cross-check, and the distance of every hardSigmoid argument to ±2.5 ----
function explicitForward(c, layers, p, input, stats) {
  const fn = (name) => {
    switch (name) {
      case 'linear': return (z) => z;
      case 'tanh': return Math.tanh;
      case 'sigmoid': return (z) => 1 / (1 + Math.exp(-z));
      case 'relu': return (z) => Math.max(0, z);
      case 'hardSigmoid':
        return (z) => {
          stats.count++;
          if (Math.abs(z) > 2.5) stats.saturated++;
          stats.kink = Math.min(stats.kink, Math.abs(Math.abs(z) - 2.5));
          return Math.min(1, Math.max(0, 0.2 * z + 0.5));
        };
      default: throw new Error(`unknown activation ${name}`);
    }
  };
  let offset = 0;
  const take = (n) => { const v = p.slice(offset, offset + n); offset += n; return v; };
  let seq = []; // [T][width]
  for (let t = 0; t < c.timesteps; t++) seq.push(input.slice(t * c.features, (t + 1) * c.features));
  let isSeq = true;
  let vec = null;
  for (const l of layers) {
    const u = l.units;
    const inW = isSeq ? seq[0].length : vec.length;
    const act = fn(l.activation);
    if (l.kind === 'Dense') {
      const K = take(inW * u), b = l.useBias ? take(u) : null;
      const apply = (x) => Array.from({ length: u }, (_, j) => {
        let z = b ? b[j] : 0;
        for (let i = 0; i < inW; i++) z += x[i] * K[i * u + j];
        return act(z);
      });
      if (isSeq) seq = seq.map(apply); else vec = apply(vec);
      continue;
    }
    const gates = { SimpleRnn: 1, Lstm: 4, Gru: 3 }[l.kind];
    const G = gates * u;
    const K = take(inW * G), R = take(u * G), b = l.useBias ? take(G) : null;
    const rec = fn(l.recurrentActivation || 'hardSigmoid');
    const xs = l.goBackwards ? [...seq].reverse() : seq;
    let h = new Array(u).fill(0), cs = new Array(u).fill(0);
    const outs = [];
    for (const x of xs) {
      const a = Array.from({ length: G }, (_, q) => {
        let z = b ? b[q] : 0;
        for (let i = 0; i < inW; i++) z += x[i] * K[i * G + q];
        return z;
      });
      const hr = (v, q) => { let z = 0; for (let k = 0; k < u; k++) z += v[k] * R[k * G + q]; return z; };
      const next = new Array(u);
      if (l.kind === 'SimpleRnn') {
        for (let j = 0; j < u; j++) next[j] = act(a[j] + hr(h, j));
      } else if (l.kind === 'Lstm') {
        for (let j = 0; j < u; j++) {
          const i = rec(a[j] + hr(h, j)), f = rec(a[u + j] + hr(h, u + j));
          const g = act(a[2 * u + j] + hr(h, 2 * u + j)), o = rec(a[3 * u + j] + hr(h, 3 * u + j));
          cs[j] = f * cs[j] + i * g;
          next[j] = o * act(cs[j]);
        }
      } else { // GRU, reset before (tfjs): hh = act(x K_h + (r h) R_h + b_h)
        const z = [], r = [];
        for (let j = 0; j < u; j++) { z.push(rec(a[j] + hr(h, j))); r.push(rec(a[u + j] + hr(h, u + j))); }
        const rh = h.map((v, k) => r[k] * v);
        for (let j = 0; j < u; j++) {
          const hh = act(a[2 * u + j] + hr(rh, 2 * u + j));
          next[j] = z[j] * h[j] + (1 - z[j]) * hh;
        }
      }
      h = next;
      outs.push(h);
    }
    if (l.returnSequences) seq = outs; else { vec = h; isSeq = false; }
  }
  return isSeq ? seq.flat() : vec;
}

function maxDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

function main() {
  const cases = [];
  let failures = 0;
  for (const c of CASES) {
    const n = parameterCount(c);
    let k = 0;
    let draw;
    for (;; k++) {
      const rand = mulberry32(fnv1a(c.name) + k);
      const parameters = uniform(rand, n, -1.5, 1.5);
      const input = uniform(rand, c.timesteps * c.features, -3, 3);
      const stats = { count: 0, saturated: 0, kink: Infinity };
      const layers = c.layers.map((l) => (l.kind === 'Lstm' || l.kind === 'Gru' ? { recurrentActivation: 'hardSigmoid', ...l } : l));
      const explicit = explicitForward(c, layers, parameters, input, stats);
      if (stats.kink < KINK_MARGIN) continue; // a hardSigmoid argument too close to ±2.5
      const outputGradient = uniform(rand, explicit.length, -1, 1);
      draw = { parameters, input, outputGradient, explicit, stats, seed: fnv1a(c.name) + k };
      break;
    }

    const r = runTfjs(c, draw.parameters, draw.input, draw.outputGradient);
    const diff = maxDiff(r.output, draw.explicit);
    const ok = diff < TOLERANCE;
    if (!ok) failures++;
    const share = draw.stats.count === 0 ? 'no hardSigmoid' : `${draw.stats.saturated}/${draw.stats.count} hardSigmoid arguments saturated, nearest kink ${draw.stats.kink.toExponential(1)}`;
    console.log(`${c.name.padEnd(28)} seed k=${k}; output vs explicit float64 ${diff.toExponential(2)} ${ok ? 'ok' : 'MISMATCH'}; ${share}`);
    cases.push({
      name: c.name,
      timesteps: c.timesteps,
      features: c.features,
      layers: r.layers,
      parameters: draw.parameters,
      input: draw.input,
      output: r.output.map(f32),
      outputGradient: draw.outputGradient,
      parameterGradient: r.parameterGradient.map(f32),
      inputGradient: r.inputGradient.map(f32),
      seed: draw.seed,
    });
  }

  write(path.join(FIX, 'layers_tfjs_defaults.json'), {
    generator: `tests/reference/layers_tfjs_defaults.js, TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32`,
    cases,
  });
  if (failures > 0) {
    console.error(`${failures} case(s) disagree with the explicit float64 cells beyond ${TOLERANCE}`);
    process.exit(1);
  }
}

main();
