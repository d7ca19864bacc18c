// Adds TensorFlow.js dropout cases (framework "tfjs") to fixtures/dropout.json written by dropout_pytorch.py.
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node dropout_tfjs.js
//
// tfjs draws its own random masks, but its recurrent cells take a `dropoutFunc` option "for tests"
// (tfjs-layers/dist/layers/recurrent.js: SimpleRNNCell/LSTMCell/GRUCell constructors, `this.dropoutFunc =
// args.dropoutFunc`; generateDropoutMask calls `dropoutFunc(ones(), rate)` instead of K.dropout when it is set, inside
// K.inTrainPhase, so only with training: true). Here it returns RnnGen's masks (the "masks" the torch case used: row n of
// the batch is sample n, sequence case.sequence + n), so the same masks run through tfjs's own cell math.
//
// Which masks tfjs uses (recurrent.js, tfjs-layers 4.22):
//   * SimpleRNNCell.call: inputs * dropoutMask before the kernel, prevOutput * recurrentDropoutMask before the
//     recurrent kernel: one mask each, as Keras.
//   * LSTMCell.call / GRUCell.call: generateDropoutMask({count: 4 | 3}) draws 4 | 3 masks, but "TensorFlow.js always
//     uses implementation 2": only dpMask[0] multiplies the inputs (all gates) and only recDpMask[0] multiplies h
//     (all gates). With dropout alone that is Keras 3's implementation 2 (one input mask); with recurrent dropout Keras 3
//     switches to implementation 1 and uses one mask PER GATE (lstm.py:136-139, 256-263; gru.py:134-137, 218-222), so
//     tfjs differs there (it is Keras 3.0-3.7's behaviour, changed in Keras 3.8.0 by keras-team/keras #20656/#20663); GRUCell
//     also reassigns hTMinus1 = hTMinus1 * recDpMask[0] and mixes that DROPPED state into h = z h + (1 - z) hh, where
//     Keras 3.8+ uses the undropped h_tm1 (gru.py:296). So no recurrentDropout LSTM/GRU case is stored for tfjs (the script runs lstm_both and
//     gru_reset_before_both anyway and asserts that tfjs's outputs differ from Keras 3's, by 1e-3 or more).
//   * GRUCell is reset_after=false only (tfjs has no reset_after).
// The dropoutFunc below tells the input mask from the recurrent one by the rate it is called with (every case here
// gives them different rates; asserted) and returns the same mask for all `count` calls (only [0] is used).
//
// Per case (batch of the torch case's samples, its parameters, inputs and g rounded to float32): outputs with
// model layers applied as layer.apply(x, {mask, training: true}) (the mask from the Embedding's computeMask, passed
// along as tfjs's container does; see masking_tfjs.js), inferenceOutputs with training: false, parameterGradientSum
// (tf.variableGrads of L = sum(outputs * g) over the batch) and inputGradients (tf.grad; null for Embedding models).
// Asserted: every value equals the torch case's to 2e-5 relative (|a - b| / max(1, |b|)). Written as "<name>_tfjs".
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { dumps, f32 } = require('./jsonfmt');

const FILE = path.join(__dirname, 'fixtures', 'dropout.json');
const TOLERANCE = 2e-5;
const TFJS_CASES = ['srnn_dropout', 'srnn_recurrent_dropout', 'srnn_both_seq', 'lstm_dropout', 'gru_reset_before_dropout',
  'mask_zero_srnn_dropout'];
const DIFFERENT_CASES = ['lstm_both', 'gru_reset_before_both']; // recurrentDropout: tfjs uses one mask for all gates

tf.registerGradient({ // same Unpack-gradient fix as layers_keras.js
  kernelName: 'Unpack',
  gradFunc: (dy, saved, attrs) => ({ value: () => tf.stack(Array.isArray(dy) ? dy : [dy], attrs.axis) }),
});

// ---- RnnGen's masks (dropout_masks.py / CompilerServices/Dropout.cs), BigInt arithmetic mod 2^64 ----
const M64 = (1n << 64n) - 1n;
const PHI = 0x9E3779B97F4A7C15n;
const PART = { input: 1, recurrent: 2 };
function mix(z) {
  z &= M64;
  z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & M64;
  return z ^ (z >> 31n);
}
const stream = (layer, part, index) => 256 * (layer + 1) + 16 * part + index;
function mask(rate, seed, sequence, str, count) {
  const key = mix(mix(mix(BigInt(seed) + PHI) + (BigInt(sequence) & M64) * PHI) + (BigInt(str) & M64) * PHI);
  const threshold = BigInt(Math.floor(Math.fround(rate) * 16777216));
  const kept = Math.fround(1 / Math.fround(1 - Math.fround(rate)));
  return Array.from({ length: count }, (_, e) => (mix(key + BigInt(e + 1) * PHI) >> 40n < threshold ? 0 : kept));
}

/** The dropoutFunc of recurrent layer i: row n of the batch is sample n's mask (sequence case.sequence + n). */
function dropoutFunc(c, i, l) {
  if (l.dropout > 0 && l.recurrentDropout > 0 && l.dropout === l.recurrentDropout) throw new Error(`${c.name}: equal rates`);
  return (ones, rate) => {
    const part = rate === l.dropout ? PART.input : rate === l.recurrentDropout ? PART.recurrent : null;
    if (part === null) throw new Error(`${c.name}: dropoutFunc called with rate ${rate}`);
    const [n, width] = ones.shape;
    const rows = [];
    for (let s = 0; s < n; s++) rows.push(...mask(rate, c.seed, c.sequence + s, stream(i, part, 0), width));
    return tf.tensor2d(rows, [n, width], 'float32');
  };
}

// ---- tfjs model ----
function makeLayer(c, i, l) {
  if (l.kind === 'Dense') return tf.layers.dense({ units: l.units, activation: l.activation, useBias: l.useBias });
  if (l.kind === 'Embedding') {
    return tf.layers.embedding({ inputDim: l.inputDim, outputDim: l.outputDim, maskZero: !!l.maskZero, inputShape: [c.timesteps] });
  }
  const args = {
    units: l.units, activation: l.activation, useBias: l.useBias, returnSequences: l.returnSequences,
    goBackwards: l.goBackwards, dropout: l.dropout, recurrentDropout: l.recurrentDropout, dropoutFunc: dropoutFunc(c, i, l),
  };
  if (i === 0) args.inputShape = [c.timesteps, c.features];
  if (l.kind !== 'SimpleRnn') args.recurrentActivation = l.recurrentActivation;
  if (l.kind === 'Gru' && l.resetAfter) throw new Error(`${c.name}: tfjs has no reset_after GRU`);
  if (l.bidirectional) throw new Error(`${c.name}: not a tfjs dropout case`);
  return { SimpleRnn: tf.layers.simpleRNN, Lstm: tf.layers.lstm, Gru: tf.layers.gru }[l.kind](args);
}

function buildModel(c) {
  if (c.dropoutLayers.length) throw new Error(`${c.name}: [Dropout] layers have no dropoutFunc in tfjs`);
  const model = tf.sequential();
  c.layers.forEach((l, i) => model.add(makeLayer(c, i, l)));
  let offset = 0;
  for (const layer of model.layers) {
    layer.setWeights(layer.getWeights().map((w) => {
      const t = tf.tensor(c.parameters.slice(offset, offset + w.size), w.shape, 'float32');
      offset += w.size;
      return t;
    }));
  }
  if (offset !== c.parameters.length) throw new Error(`${c.name}: parameter count ${offset} != ${c.parameters.length}`);
  return model;
}

/** The layers applied one by one with the mask in kwargs (as tfjs's container does), in training mode or not. */
function chain(model, x, training) {
  let h = x;
  let mask = null;
  for (const layer of model.layers) {
    const out = layer.apply(h, { mask, training });
    mask = layer.computeMask(h, mask);
    h = out;
  }
  return h;
}

function run(c, model) {
  return tf.tidy(() => {
    const n = c.inputs.length;
    const tokens = c.layers[0].kind === 'Embedding';
    const x = tokens ? tf.tensor2d(c.inputs.flat(), [n, c.timesteps], 'float32')
      : tf.tensor3d(c.inputs.flat(), [n, c.timesteps, c.features], 'float32');
    const out = chain(model, x, true);
    const g = tf.tensor(c.outputGradients.flat(), out.shape, 'float32');
    const loss = (inp) => tf.sum(tf.mul(chain(model, inp, true), g));
    const vars = model.trainableWeights.map((w) => w.read());
    const { grads } = tf.variableGrads(() => loss(x), vars);
    const parameterGradientSum = [];
    for (const v of vars) parameterGradientSum.push(...grads[v.name].dataSync());
    const per = out.size / n;
    const rows = (flat, w) => Array.from({ length: n }, (_, s) => Array.from(flat.slice(s * w, (s + 1) * w)));
    const inW = tokens ? c.timesteps : c.timesteps * c.features;
    return {
      outputs: rows(out.dataSync(), per),
      inferenceOutputs: rows(chain(model, x, false).dataSync(), per),
      ownApply: rows(model.apply(x, { training: true }).dataSync(), per), // tfjs's own mask propagation
      parameterGradientSum,
      inputGradients: tokens ? null : rows(tf.grad(loss)(x).dataSync(), inW),
    };
  });
}

function maxDiff(a, b) {
  a = a.flat();
  b = b.flat();
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

function main() {
  const text = fs.readFileSync(FILE, 'utf8');
  // JSON.parse would round the 64-bit seeds of the "masks" draws (2^64 - 1): keep that section's text as written
  const masksText = text.slice(text.indexOf('\n  "masks": ') + '\n  "masks": '.length, text.indexOf(',\n  "cases": '));
  const file = JSON.parse(text);
  // this script's mask generator reproduces dropout_masks.py's draws (seeds read from the text, as BigInt)
  const seeds = [...masksText.matchAll(/"seed": (\d+)/g)].map((m) => BigInt(m[1]));
  file.masks.forEach((m, k) => {
    const mine = mask(m.rate, seeds[k], BigInt(m.sequence), m.stream, m.values.length);
    if (maxDiff(mine, m.values) !== 0) throw new Error(`mask draw ${k} differs from dropout_masks.py`);
  });
  const torchCases = file.cases.filter((c) => c.framework === 'pytorch');
  const cases = [...torchCases];
  let failures = 0;
  for (const name of TFJS_CASES) {
    const c = torchCases.find((t) => t.name === name);
    const model = buildModel(c);
    const r = run(c, model);
    const d = {
      outputs: maxDiff(r.outputs, c.outputs),
      inferenceOutputs: maxDiff(r.inferenceOutputs, c.inferenceOutputs),
      parameterGradientSum: maxDiff(r.parameterGradientSum, c.parameterGradientSum),
      inputGradients: r.inputGradients ? maxDiff(r.inputGradients, c.inputGradients) : 0,
    };
    const own = maxDiff(r.ownApply, r.outputs);
    const worst = Math.max(...Object.values(d));
    const ok = worst <= TOLERANCE && own <= 1e-6;
    if (!ok) failures++;
    console.log(`${c.name.padEnd(26)} tfjs vs torch: ${Object.entries(d).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}; ` +
      `chain vs model.apply ${own.toExponential(1)} ${ok ? 'ok' : 'MISMATCH'}`);
    cases.push({
      name: `${c.name}_tfjs`,
      framework: 'tfjs',
      timesteps: c.timesteps,
      features: c.features,
      layers: c.layers,
      dropoutLayers: c.dropoutLayers,
      seed: c.seed,
      sequence: c.sequence,
      parameters: c.parameters,
      inputs: c.inputs,
      outputs: r.outputs.map((o) => o.map(f32)),
      inferenceOutputs: r.inferenceOutputs.map((o) => o.map(f32)),
      outputGradients: c.outputGradients,
      parameterGradientSum: r.parameterGradientSum.map(f32),
      inputGradients: r.inputGradients && r.inputGradients.map((o) => o.map(f32)),
      maxRelDiffFromPytorch: worst,
    });
  }
  // recurrent dropout in LSTM/GRU: tfjs multiplies every gate by mask [0], Keras 3 by one mask per gate. Shown, not stored.
  for (const name of DIFFERENT_CASES) {
    const c = torchCases.find((t) => t.name === name);
    const r = run(c, buildModel(c));
    const d = maxDiff(r.outputs, c.outputs);
    console.log(`${c.name.padEnd(26)} (not stored) tfjs with recurrentDropout vs Keras 3 implementation 1: outputs differ by ` +
      `${d.toExponential(2)}; inferenceOutputs ${maxDiff(r.inferenceOutputs, c.inferenceOutputs).toExponential(1)}`);
    if (!(d > 1e-3)) throw new Error(`${c.name}: expected tfjs to differ from Keras 3 here`);
  }
  file.generator = `${file.generator.split('; tfjs: ')[0]}; tfjs: TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), ` +
    'float32, the cells\' dropoutFunc returning the same masks, same parameters/inputs/outputGradients as the pytorch case ' +
    '(float32-rounded)';
  file.masks = '@@MASKS@@';
  file.cases = cases;
  fs.writeFileSync(FILE, dumps(file).replace('"@@MASKS@@"', masksText));
  if (failures > 0) {
    console.error(`${failures} case(s) disagree with torch beyond ${TOLERANCE}`);
    process.exit(1);
  }
}

main();
