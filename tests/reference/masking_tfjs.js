// Masking reference values from real TensorFlow.js (float32, Keras layers API).
//
// Two mask sources: tf.layers.embedding({maskZero: true}) (token 0 masked) and tf.layers.masking({maskValue}) (a
// timestep is masked when EVERY feature equals maskValue; tfjs-layers/dist/layers/core.js, Masking: the mask is
// any(notEqual(x, maskValue), -1), and the layer outputs x * mask). The mask travels through the recurrent layers
// (tfjs-layers/dist/engine/container.js passes kwargs.mask and calls computeMask; a recurrent layer with
// returnSequences passes its mask on, recurrent.js RNN.computeMask) and, per step, tfjs-layers/dist/layers/
// recurrent.js rnn() keeps the state and the output of a masked step:
//     output_t = mask_t * stepOutput + (1 - mask_t) * states[0];  state_t = mask_t * newState + (1 - mask_t) * state
// so a masked step repeats the last output (h), and before the first unmasked step it is the initial state (zero
// here, which is also Python Keras's zeros_like(output) start). Every case is a batch of samples with different
// masks; each sample is also run alone (batch 1) for its own gradients.
//
// Bidirectional + returnSequences: Python Keras sets zero_output_for_mask = return_sequences on both inner layers
// (keras/src/layers/rnn/bidirectional.py: "When return_sequences is True, the output of the masked timestep will be
// zero regardless of the layer's original zero_output_for_mask value"), so masked steps output zeros. tfjs 4.22's
// Bidirectional (layers/wrappers.js) has no such setting and its rnn() carries the previous output, so it DIFFERS.
// For those cases (zeroOutputForMask: true) "outputs" and the gradients follow Python Keras: the same tfjs graph
// with the Bidirectional output multiplied by the mask (tf.mul, inside the differentiated function; masking the
// output does not change any state, so this is exactly Keras's zero_output_for_mask), and "tfjsOutputs" holds what
// tfjs itself returns.
//
// Per case: inputs [n][T*F] (token ids for Embedding), masks [n][T] (1 = kept, from tfjs's computeMask),
// outputs [n][...], outputGradients g [n][...], parameterGradients [n][P] = dL_i/dparameters for L_i =
// sum(output_i * g_i) (sample i alone), parameterGradientSum [P] = dL/dparameters of the whole batch, L = sum_i L_i
// (tf.variableGrads on the batch; equals the sum of the rows to float32 rounding, asserted), inputGradients [n][T*F]
// (dL_i/dinput_i; null for Embedding). Also asserted: the manual layer chain used here equals tfjs's own
// model.apply mask propagation, and the batch outputs equal the per-sample ones.
//
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node masking_tfjs.js
'use strict';
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FIX = path.join(__dirname, 'fixtures');

tf.registerGradient({ // same Unpack-gradient fix as layers_keras.js
  kernelName: 'Unpack',
  gradFunc: (dy, saved, attrs) => ({ value: () => tf.stack(Array.isArray(dy) ? dy : [dy], attrs.axis) }),
});

// tfjs 4.22 registers no gradient for Any (nor NotEqual), which the Masking layer uses to compute its boolean mask
// (any(notEqual(x, maskValue), -1)), so tf.grad through a Masking layer throws "gradient function not found for Any".
// The mask is boolean and carries no gradient in TensorFlow (tf.reduce_any / not_equal are non-differentiable):
// register zero gradients, which changes nothing else (the x * mask product keeps its own gradient, mask * dy).
for (const kernelName of ['Any', 'NotEqual']) {
  if (!tf.getGradient(kernelName)) {
    tf.registerGradient({
      kernelName,
      inputsToSave: kernelName === 'Any' ? ['x'] : ['a', 'b'],
      gradFunc: (dy, saved) => (kernelName === 'Any'
        ? { x: () => tf.zerosLike(tf.cast(saved[0], 'float32')) }
        : { a: () => tf.zerosLike(tf.cast(saved[0], 'float32')), b: () => tf.zerosLike(tf.cast(saved[1], 'float32')) }),
    });
  }
}

const MERGE = { Concat: 'concat', Sum: 'sum', Multiply: 'mul', Average: 'ave' };

function rec(kind, units, extra = {}) {
  const l = { kind, units, activation: 'tanh', returnSequences: false, useBias: true, goBackwards: false };
  if (kind === 'Lstm' || kind === 'Gru') l.recurrentActivation = 'sigmoid';
  if (kind === 'Gru') l.resetAfter = false;
  return { ...l, ...extra };
}
const seq = { returnSequences: true };
const dense = (units, activation = 'linear') => ({ kind: 'Dense', units, activation, useBias: true });
const emb = (inputDim, outputDim) => ({ kind: 'Embedding', inputDim, outputDim, maskZero: true });

// token samples (T = 6): pre-padded, post-padded, a zero inside, unpadded, all zeros
const TOKENS6 = (v) => [
  [0, 0, 0, 3, 1, v - 1],
  [4, 1, v - 1, 2, 0, 0],
  [2, 0, 5, 1, 0, 3],
  [1, 2, 3, 4, 5, 6 % v || 1],
  [0, 0, 0, 0, 0, 0],
];
// float samples: which timesteps are masked (1 = set every feature to maskValue); T = 5
const MASKS5 = [
  [1, 1, 0, 0, 0], // leading
  [0, 0, 1, 1, 0], // middle
  [0, 0, 0, 1, 1], // trailing
  [0, 0, 0, 0, 0], // none masked (one step has a single feature equal to maskValue: not masked)
  [1, 0, 1, 0, 1], // alternating
  [1, 1, 1, 1, 1], // all masked
];

const CASES = [
  // (a) Embedding(maskZero)
  { name: 'mask_zero_srnn', timesteps: 6, mask: 'MaskZero', layers: [emb(8, 3), rec('SimpleRnn', 4), dense(2)] },
  { name: 'mask_zero_lstm_seq', timesteps: 6, mask: 'MaskZero', layers: [emb(9, 3), rec('Lstm', 4, seq), dense(2)] },
  { name: 'mask_zero_gru', timesteps: 6, mask: 'MaskZero', layers: [emb(7, 2), rec('Gru', 3), dense(1, 'sigmoid')] },
  // (b) Masking(maskValue) on float input
  { name: 'masking_srnn', timesteps: 5, features: 3, mask: 'Masking', maskValue: 0, layers: [rec('SimpleRnn', 4), dense(2)] },
  { name: 'masking_srnn_seq', timesteps: 5, features: 2, mask: 'Masking', maskValue: 0, layers: [rec('SimpleRnn', 3, seq), dense(2)] },
  { name: 'masking_lstm', timesteps: 5, features: 3, mask: 'Masking', maskValue: -1, layers: [rec('Lstm', 4), dense(2)] },
  { name: 'masking_lstm_seq', timesteps: 5, features: 2, mask: 'Masking', maskValue: 0, layers: [rec('Lstm', 3, seq), dense(1)] },
  { name: 'masking_gru', timesteps: 5, features: 2, mask: 'Masking', maskValue: 0.5, layers: [rec('Gru', 4), dense(2)] },
  { name: 'masking_gru_seq', timesteps: 5, features: 3, mask: 'Masking', maskValue: 0, layers: [rec('Gru', 3, seq), dense(2, 'tanh')] },
  {
    name: 'masking_gru_backwards_seq', timesteps: 5, features: 2, mask: 'Masking', maskValue: 0,
    layers: [rec('Gru', 3, { returnSequences: true, goBackwards: true }), dense(2)],
  },
  {
    name: 'masking_lstm_gru_stacked', timesteps: 5, features: 2, mask: 'Masking', maskValue: 0,
    layers: [rec('Lstm', 3, seq), rec('Gru', 3), dense(1)],
  },
  // (c) Bidirectional after Masking
  {
    name: 'masking_bidi_lstm_seq', timesteps: 5, features: 2, mask: 'Masking', maskValue: 0,
    layers: [rec('Lstm', 3, { returnSequences: true, bidirectional: true, merge: 'Concat' })],
  },
  {
    name: 'masking_bidi_gru_sum_seq_dense', timesteps: 5, features: 3, mask: 'Masking', maskValue: 0,
    layers: [rec('Gru', 3, { returnSequences: true, bidirectional: true, merge: 'Sum' }), dense(2)],
  },
  {
    name: 'masking_bidi_srnn', timesteps: 5, features: 2, mask: 'Masking', maskValue: 0,
    layers: [rec('SimpleRnn', 4, { bidirectional: true, merge: 'Concat' }), dense(2)],
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
function makeLayer(l, c) {
  if (l.kind === 'Dense') return tf.layers.dense({ units: l.units, activation: l.activation, useBias: l.useBias });
  if (l.kind === 'Embedding') {
    return tf.layers.embedding({ inputDim: l.inputDim, outputDim: l.outputDim, maskZero: true, inputShape: [c.timesteps] });
  }
  const args = {
    units: l.units, activation: l.activation, useBias: l.useBias, returnSequences: l.returnSequences,
    goBackwards: l.goBackwards,
  };
  if (l.recurrentActivation !== undefined) args.recurrentActivation = l.recurrentActivation;
  const inner = { SimpleRnn: tf.layers.simpleRNN, Lstm: tf.layers.lstm, Gru: tf.layers.gru }[l.kind](args);
  return l.bidirectional ? tf.layers.bidirectional({ layer: inner, mergeMode: MERGE[l.merge] }) : inner;
}

function buildModel(c) {
  const model = tf.sequential();
  if (c.mask === 'Masking') model.add(tf.layers.masking({ maskValue: c.maskValue, inputShape: [c.timesteps, c.features] }));
  for (const l of c.layers) model.add(makeLayer(l, c)); // the Masking layer (or the Embedding) carries the input shape
  return model;
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

/**
 * The model's layers applied one by one with the mask passed in kwargs, as tfjs's container does; with keras = true
 * the output of a Bidirectional layer that returns sequences is multiplied by the mask (Keras zero_output_for_mask).
 */
function chain(model, x, keras) {
  let h = x;
  let mask = null;
  for (const layer of model.layers) {
    let out = layer.apply(h, { mask, training: true });
    const next = layer.computeMask(h, mask);
    if (keras && layer instanceof tf.layers.Layer && layer.getClassName() === 'Bidirectional' && layer.returnSequences) {
      out = tf.mul(out, tf.expandDims(tf.cast(mask, 'float32'), -1));
    }
    h = out;
    mask = next;
  }
  return h;
}

function firstMask(model, x) {
  return model.layers[0].computeMask(x, null);
}

function maxAbs(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

function run(c, model, inputs, outputGradients, keras) {
  return tf.tidy(() => {
    const n = inputs.length;
    const tokens = c.mask === 'MaskZero';
    const x = tokens ? tf.tensor2d(inputs.flat(), [n, c.timesteps], 'float32')
      : tf.tensor3d(inputs.flat(), [n, c.timesteps, c.features], 'float32');
    const out = chain(model, x, keras);
    const g = tf.tensor(outputGradients.flat(), out.shape, 'float32');
    const loss = (inp) => tf.sum(tf.mul(chain(model, inp, keras), g));
    const vars = model.trainableWeights.map((w) => w.read());
    const { grads } = tf.variableGrads(() => loss(x), vars);
    const parameterGradient = [];
    for (const v of vars) parameterGradient.push(...grads[v.name].dataSync());
    const per = out.size / n;
    const output = Array.from(out.dataSync());
    const inputGradient = tokens ? null : Array.from(tf.grad(loss)(x).dataSync());
    const inW = tokens ? c.timesteps : c.timesteps * c.features;
    return {
      outputs: Array.from({ length: n }, (_, i) => output.slice(i * per, (i + 1) * per)),
      parameterGradient,
      inputGradients: inputGradient && Array.from({ length: n }, (_, i) => inputGradient.slice(i * inW, (i + 1) * inW)),
      masks: Array.from(tf.cast(firstMask(model, x), 'float32').dataSync()),
      tfjsOwn: Array.from(model.apply(x, { training: true }).dataSync()), // tfjs's own mask propagation
      tfjsChain: keras ? Array.from(chain(model, x, false).dataSync()) : output,
    };
  });
}

function main() {
  const cases = [];
  for (const c of CASES) {
    const seed = fnv1a(c.name);
    const rand = mulberry32(seed);
    const model = buildModel(c);
    const keras = c.layers.some((l) => l.bidirectional && l.returnSequences);
    // samples
    let inputs;
    if (c.mask === 'MaskZero') {
      inputs = TOKENS6(c.layers[0].inputDim).map((s) => s.slice(0, c.timesteps));
    } else {
      inputs = MASKS5.map((m, i) => {
        const s = uniform(rand, c.timesteps * c.features, -1, 1);
        for (let t = 0; t < c.timesteps; t++) {
          if (m[t]) for (let f = 0; f < c.features; f++) s[t * c.features + f] = c.maskValue;
        }
        if (i === 3) s[2 * c.features] = c.maskValue; // one feature equal to maskValue: the step is NOT masked
        return s;
      });
    }
    const P = model.getWeights().reduce((a, w) => a + w.size, 0);
    const parameters = uniform(rand, P, -0.5, 0.5);
    setParameters(model, parameters);
    // output length per sample, from a forward pass
    const per = tf.tidy(() => {
      const tokens = c.mask === 'MaskZero';
      const x = tokens ? tf.tensor2d(inputs[0], [1, c.timesteps], 'float32') : tf.tensor3d(inputs[0], [1, c.timesteps, c.features], 'float32');
      return model.apply(x).size;
    });
    const outputGradients = inputs.map(() => uniform(rand, per, -1, 1));

    const batch = run(c, model, inputs, outputGradients, keras);
    const singles = inputs.map((s, i) => run(c, model, [s], [outputGradients[i]], keras));
    // self-checks
    const outputs = singles.map((r) => r.outputs[0]);
    const dOwn = maxAbs(batch.tfjsChain, batch.tfjsOwn);
    const dBatch = maxAbs(batch.outputs.flat(), outputs.flat());
    const sum = parameters.map((_, j) => singles.reduce((a, r) => a + r.parameterGradient[j], 0));
    const dSum = maxAbs(batch.parameterGradient, sum);
    const tfjsOutputs = keras ? singles.map((r) => r.tfjsChain.map(f32)) : undefined;
    const dKeras = keras ? maxAbs(outputs.flat(), tfjsOutputs.flat()) : 0;
    console.log(`${c.name.padEnd(32)} seed=${seed} P=${P} n=${inputs.length}; chain vs model.apply ${dOwn.toExponential(1)}, ` +
      `batch vs single ${dBatch.toExponential(1)}, sum of per-sample dP vs batch dP ${dSum.toExponential(1)}` +
      (keras ? `; Keras zero_output_for_mask vs tfjs output: max diff ${dKeras.toExponential(2)}` : ''));
    if (dOwn > 1e-6 || dBatch > 1e-6 || dSum > 1e-5) throw new Error(`${c.name}: self-check failed`);
    if (keras && !(dKeras > 1e-3)) throw new Error(`${c.name}: expected tfjs to differ from Keras here`);

    const layers = c.layers.map((l) => ({ ...l }));
    cases.push({
      name: c.name,
      timesteps: c.timesteps,
      features: c.mask === 'MaskZero' ? c.layers[0].outputDim : c.features,
      mask: { kind: c.mask, value: c.mask === 'MaskZero' ? 0 : c.maskValue },
      layers,
      zeroOutputForMask: keras,
      parameters,
      inputs,
      masks: singles.map((r) => r.masks),
      outputs: outputs.map((o) => o.map(f32)),
      tfjsOutputs,
      outputGradients,
      parameterGradients: singles.map((r) => r.parameterGradient.map(f32)),
      parameterGradientSum: batch.parameterGradient.map(f32),
      inputGradients: c.mask === 'MaskZero' ? null : singles.map((r) => r.inputGradients[0].map(f32)),
      seed,
    });
  }
  write(path.join(FIX, 'masking_tfjs.json'), {
    generator: `tests/reference/masking_tfjs.js, TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32. ` +
      'A masked step carries the state and repeats the previous output (zero before the first unmasked step: the initial ' +
      'state is zero). Cases with zeroOutputForMask true (a Bidirectional returning sequences) follow Python Keras: masked ' +
      'steps of the Bidirectional output are zero (zero_output_for_mask), obtained in tfjs by multiplying its output by ' +
      'the mask; tfjsOutputs is what tfjs 4.22 returns there (it carries the previous output instead). parameterGradients ' +
      'are per sample, parameterGradientSum is the whole batch; Gru is resetAfter=false (tfjs has no reset_after).',
    cases,
  });
}

main();
