// Bidirectional reference values from real TensorFlow.js (float32, Keras layers API: tf.layers.bidirectional).
//
// Every case is a tf.sequential model of tf.layers.bidirectional({layer, mergeMode}) layers and a Dense. Parameters,
// inputs and the upstream gradient g come from a seeded generator (mulberry32, seeded by FNV-1a(name)), are loaded
// with layer.setWeights (a Bidirectional's weights are the forward layer's kernel, recurrent_kernel, bias, then the
// backward layer's: Keras get_weights() order), and the script records output, dL/dinput (tf.grad) and
// dL/dparameters (tf.variableGrads over model.trainableWeights) for L = sum(output * g). Writes
// fixtures/layers_bidirectional.json in the LayerCase format, each recurrent layer with "bidirectional": true and
// "merge": "Concat" | "Sum" | "Multiply" | "Average" (tfjs mergeMode concat | sum | mul | ave).
//
// Keras semantics (tfjs-layers/dist/layers/wrappers.js, Bidirectional): the backward layer is a clone of the layer
// with goBackwards flipped, so it reads x[T-1] ... x[0]; with returnSequences its output sequence (in processing
// order) is reversed in time (tfc.reverse(yRev, 1)) before merging, so output[t] merges the forward state after
// x[0..t] and the backward state after x[T-1..t]; without returnSequences the two final states are merged.
// concat = [forward, backward], sum = f + b, mul = f * b, ave = 0.5 (f + b).
//
// GRU: tfjs 4.22's GRUCell has only reset_after = false (resetAfter: true throws), so the GRU cases are the
// reset-before variant; the reset_after GRU is covered by bidirectional_pytorch.json. LSTM and GRU pass
// recurrentActivation 'sigmoid' (tfjs defaults to hardSigmoid), except one LSTM case left at tfjs's default
// hardSigmoid: its parameters are drawn from uniform(-0.25, 0.25) so that every gate argument is |a| < 2.5
// (0.25 (1 + F + U) < 2.5 with |x|, |h| < 1), away from the kinks; a second one, bidi_lstm_hard_sigmoid_wide, draws
// wide (parameters uniform(-1.5, 1.5), inputs uniform(-3, 3)) so that many gates saturate; bidirectional_check.py
// asserts its hardSigmoid arguments stay at least 1e-3 from the kinks at +-2.5 (the gradient there is ambiguous).
//
// Cross-check: the script also rebuilds the bidirectional_pytorch.json cases tfjs can express (not the
// reset_after GRU ones) and asserts tfjs agrees with PyTorch to 1e-5 relative; those are not written again.
//
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node bidirectional_tfjs.js
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FIX = path.join(__dirname, 'fixtures');
const TOLERANCE = 1e-5; // |tfjs - torch| / max(1, |torch|)

// Same Unpack-gradient fix as layers_keras.js (tfjs 4.22.0 passes a lone tensor when an axis has length 1).
tf.registerGradient({
  kernelName: 'Unpack',
  gradFunc: (dy, saved, attrs) => ({ value: () => tf.stack(Array.isArray(dy) ? dy : [dy], attrs.axis) }),
});

const MERGE = { Concat: 'concat', Sum: 'sum', Multiply: 'mul', Average: 'ave' };

function rec(kind, units, merge, extra = {}) {
  const l = { kind, units, activation: 'tanh', returnSequences: false, useBias: true, goBackwards: false };
  if (kind === 'Lstm' || kind === 'Gru') l.recurrentActivation = 'sigmoid';
  if (kind === 'Gru') l.resetAfter = false;
  return { ...l, ...extra, bidirectional: true, merge };
}
const seq = { returnSequences: true };
const dense = (units, activation = 'linear') => ({ kind: 'Dense', units, activation, useBias: true });

const CASES = [
  { name: 'bidi_srnn_concat', timesteps: 5, features: 3, layers: [rec('SimpleRnn', 4, 'Concat'), dense(2)] },
  { name: 'bidi_srnn_sum_seq', timesteps: 4, features: 2, layers: [rec('SimpleRnn', 3, 'Sum', seq), dense(2)] },
  { name: 'bidi_srnn_mul', timesteps: 6, features: 2, layers: [rec('SimpleRnn', 5, 'Multiply'), dense(1)] },
  { name: 'bidi_srnn_ave_seq', timesteps: 5, features: 3, layers: [rec('SimpleRnn', 3, 'Average', seq), dense(2, 'tanh')] },
  { name: 'bidi_lstm_concat_seq', timesteps: 5, features: 2, layers: [rec('Lstm', 3, 'Concat', seq), dense(2)] },
  { name: 'bidi_lstm_sum', timesteps: 4, features: 3, layers: [rec('Lstm', 4, 'Sum'), dense(2)] },
  { name: 'bidi_lstm_mul_seq', timesteps: 4, features: 2, layers: [rec('Lstm', 3, 'Multiply', seq), dense(1)] },
  { name: 'bidi_lstm_ave', timesteps: 6, features: 3, layers: [rec('Lstm', 5, 'Average'), dense(2, 'sigmoid')] },
  {
    name: 'bidi_lstm_hard_sigmoid', timesteps: 5, features: 3, scale: 0.25,
    layers: [rec('Lstm', 4, 'Concat', { recurrentActivation: undefined }), dense(2)],
  },
  {
    name: 'bidi_lstm_hard_sigmoid_wide', timesteps: 4, features: 2, scale: 1.5, inputScale: 3,
    layers: [rec('Lstm', 3, 'Sum', { returnSequences: true, recurrentActivation: undefined }), dense(2)],
  },
  { name: 'bidi_gru_concat', timesteps: 5, features: 3, layers: [rec('Gru', 4, 'Concat'), dense(2)] },
  { name: 'bidi_gru_sum_seq', timesteps: 6, features: 2, layers: [rec('Gru', 3, 'Sum', seq), dense(2)] },
  { name: 'bidi_gru_mul', timesteps: 4, features: 2, layers: [rec('Gru', 5, 'Multiply'), dense(1)] },
  { name: 'bidi_gru_ave_seq', timesteps: 5, features: 3, layers: [rec('Gru', 4, 'Average', seq), dense(3, 'softmax')] },
  {
    name: 'bidi_stacked_lstm_gru', timesteps: 5, features: 3,
    layers: [rec('Lstm', 4, 'Concat', seq), rec('Gru', 3, 'Sum'), dense(2)],
  },
  {
    name: 'bidi_stacked_srnn_seq', timesteps: 4, features: 2,
    layers: [rec('SimpleRnn', 3, 'Average', seq), rec('Lstm', 3, 'Concat', seq), dense(1)],
  },
];

// ---- deterministic draws (as layers_tfjs_defaults.js) ----
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
function makeLayer(l, inputShape) {
  if (l.kind === 'Dense') {
    const a = { units: l.units, activation: l.activation, useBias: l.useBias };
    if (inputShape) a.inputShape = inputShape;
    return tf.layers.dense(a);
  }
  const args = {
    units: l.units, activation: l.activation, useBias: l.useBias, returnSequences: l.returnSequences,
    goBackwards: l.goBackwards,
  };
  if (l.recurrentActivation !== undefined) args.recurrentActivation = l.recurrentActivation;
  if (l.kind === 'Gru' && l.resetAfter) args.resetAfter = true; // throws in tfjs 4.22
  const inner = { SimpleRnn: tf.layers.simpleRNN, Lstm: tf.layers.lstm, Gru: tf.layers.gru }[l.kind](args);
  if (!l.bidirectional) {
    if (inputShape) throw new Error('first layer must carry inputShape');
    return inner;
  }
  const b = { layer: inner, mergeMode: MERGE[l.merge] };
  if (inputShape) b.inputShape = inputShape;
  return tf.layers.bidirectional(b);
}

function buildModel(c) {
  const model = tf.sequential();
  c.layers.forEach((l, i) => model.add(makeLayer(l, i === 0 ? [c.timesteps, c.features] : undefined)));
  return model;
}

/** The layer specs as recorded: recurrentActivation and resetAfter as tfjs's forward layer reports them. */
function recordedLayers(c, model) {
  return c.layers.map((l, i) => {
    const spec = { ...l };
    if (l.kind === 'Lstm' || l.kind === 'Gru') {
      const config = model.layers[i].forwardLayer.getConfig();
      spec.recurrentActivation = config.recurrentActivation;
      if (l.recurrentActivation === undefined && config.recurrentActivation !== 'hardSigmoid') {
        throw new Error(`${c.name}: tfjs default recurrentActivation is ${config.recurrentActivation}`);
      }
      if (l.kind === 'Gru') spec.resetAfter = config.resetAfter === true;
      if (model.layers[i].backwardLayer.getConfig().goBackwards !== true) throw new Error('backward layer not goBackwards');
    }
    if (l.bidirectional && model.layers[i].getConfig().mergeMode !== MERGE[l.merge]) throw new Error('mergeMode');
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
    let one = width * gates * u + (l.kind === 'Dense' ? 0 : u * gates * u) + (l.useBias ? gates * u : 0);
    if (l.kind === 'Gru' && l.resetAfter && l.useBias) one += gates * u;
    n += l.bidirectional ? 2 * one : one;
    width = l.bidirectional && l.merge === 'Concat' ? 2 * u : u;
  }
  return n;
}

function outputLength(c) {
  const last = c.layers[c.layers.length - 1];
  const anySeqAtEnd = c.layers.filter((l) => l.kind !== 'Dense').slice(-1)[0].returnSequences;
  return (anySeqAtEnd ? c.timesteps : 1) * last.units;
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
      output: Array.from(out.dataSync()).map(f32),
      parameterGradient: parameterGradient.map(f32),
      inputGradient: Array.from(tf.grad(loss)(x).dataSync()).map(f32),
    };
  });
}

function maxDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

function main() {
  let failures = 0;
  // 1. cross-check against PyTorch's bidirectional modules
  const torchFile = JSON.parse(fs.readFileSync(path.join(FIX, 'bidirectional_pytorch.json'), 'utf8'));
  for (const c of torchFile.cases) {
    if (c.layers.some((l) => l.kind === 'Gru' && l.resetAfter)) {
      console.log(`${c.name.padEnd(28)} (torch) skipped: reset_after GRU`);
      continue;
    }
    const tc = { ...c, layers: c.layers.map((l) => (l.kind === 'Lstm' ? { ...l, recurrentActivation: 'sigmoid' } : l)) };
    const r = runTfjs(tc, c.parameters, c.input, c.outputGradient);
    const d = Math.max(maxDiff(r.output, c.output), maxDiff(r.parameterGradient, c.parameterGradient),
      maxDiff(r.inputGradient, c.inputGradient));
    if (!(d < TOLERANCE)) failures++;
    console.log(`${c.name.padEnd(28)} (torch) tfjs vs torch max rel diff ${d.toExponential(2)} ${d < TOLERANCE ? 'ok' : 'MISMATCH'}`);
  }

  // 2. the tfjs cases
  const cases = [];
  for (const c of CASES) {
    const seed = fnv1a(c.name);
    const rand = mulberry32(seed);
    const s = c.scale || 0.5;
    const parameters = uniform(rand, parameterCount(c), -s, s);
    const input = uniform(rand, c.timesteps * c.features, -(c.inputScale || 1), c.inputScale || 1);
    const outputGradient = uniform(rand, outputLength(c), -1, 1);
    const r = runTfjs(c, parameters, input, outputGradient);
    console.log(`${c.name.padEnd(28)} seed=${seed} params=${parameters.length} out=${r.output.length}`);
    cases.push({
      name: c.name,
      timesteps: c.timesteps,
      features: c.features,
      layers: r.layers,
      parameters,
      input,
      output: r.output,
      outputGradient,
      parameterGradient: r.parameterGradient,
      inputGradient: r.inputGradient,
      seed,
    });
  }
  write(path.join(FIX, 'layers_bidirectional.json'), {
    generator: `tests/reference/bidirectional_tfjs.js, TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32; ` +
      'tf.layers.bidirectional, Keras semantics: the backward layer reads the sequence reversed (goBackwards), and with ' +
      'returnSequences its output sequence is reversed in time before merging (output[t] = merge(forward after x[0..t], ' +
      'backward after x[T-1..t])); without returnSequences the two final states are merged. Parameters in Keras ' +
      'Bidirectional get_weights() order: forward kernel, recurrent_kernel, bias, then backward. Gru is resetAfter=false ' +
      '(tfjs has no reset_after=true).',
    cases,
  });
  if (failures > 0) {
    console.error(`${failures} torch case(s) disagree with tfjs beyond ${TOLERANCE}`);
    process.exit(1);
  }
}

main();
