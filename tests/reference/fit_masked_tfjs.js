// Training trajectory of a masked model from real TensorFlow.js model.fit (shuffle: false, Adam).
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node fit_masked_tfjs.js
// Writes fixtures/fit_masked_tfjs.json in the format of fit_tfjs.js (fit_sparse_ce.json, fit_mse.json), plus
// "mask": {"kind": "MaskZero", "value": 0}.
//
// Model: Embedding(10, 3, maskZero: true) -> SimpleRNN(4) -> Dense(1, sigmoid), binaryCrossentropy, no dropout.
// 8 token sequences (T = 6) with pre-, post- and inner padding (token 0), one unpadded and one all-padding sample;
// batchSize 5 (batches 5, 3), 3 epochs. The SimpleRNN returns only its last (carried) output, so no mask reaches
// the loss. As in fit_tfjs.js, the fit runs twice from the same initial weights: "history"/"finalParameters" with
// tf.train.adam, "kerasAdam" with the Keras 3 Adam formula (what RnnGen's Adam implements).
'use strict';
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FIX = path.join(__dirname, 'fixtures');

/** Keras 3 Adam (keras/src/optimizers/adam.py) as a tfjs optimizer (the same class as fit_tfjs.js). */
class KerasAdam extends tf.Optimizer {
  constructor(learningRate, beta1, beta2, epsilon) {
    super();
    Object.assign(this, { learningRate, beta1, beta2, epsilon, t: 0, m: {}, v: {} });
  }
  applyGradients(variableGradients) {
    const names = Array.isArray(variableGradients) ? variableGradients.map((x) => x.name) : Object.keys(variableGradients);
    const grad = (i) => (Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[names[i]]);
    this.t++;
    const alpha = this.learningRate * Math.sqrt(1 - this.beta2 ** this.t) / (1 - this.beta1 ** this.t);
    names.forEach((name, i) => {
      const variable = tf.engine().registeredVariables[name];
      if (!this.m[name]) {
        this.m[name] = tf.variable(tf.zerosLike(variable), false);
        this.v[name] = tf.variable(tf.zerosLike(variable), false);
      }
      tf.tidy(() => {
        const g = grad(i);
        const m = tf.add(tf.mul(this.m[name], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[name], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[name].assign(m);
        this.v[name].assign(v);
        variable.assign(tf.sub(variable, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(v), this.epsilon))));
      });
    });
    this.incrementIterations();
  }
  getConfig() { return {}; }
  static get className() { return 'KerasAdam'; }
}

const SPEC = {
  timesteps: 6,
  features: 3,
  layers: [
    { kind: 'Embedding', inputDim: 10, outputDim: 3, maskZero: true },
    { kind: 'SimpleRnn', units: 4, activation: 'tanh', returnSequences: false, useBias: true, goBackwards: false },
    { kind: 'Dense', units: 1, activation: 'sigmoid', useBias: true },
  ],
};

const INPUTS = [
  [0, 0, 0, 3, 7, 1], // pre-padded
  [5, 2, 9, 0, 0, 0], // post-padded
  [0, 0, 4, 4, 8, 2],
  [6, 1, 0, 0, 0, 0],
  [1, 2, 3, 4, 5, 6], // unpadded
  [0, 9, 0, 7, 0, 3], // inner zeros
  [0, 0, 0, 0, 0, 0], // all padding
  [8, 8, 2, 0, 0, 0],
];
const TARGETS = [[1], [0], [1], [0], [1], [1], [0], [0]];

function buildModel() {
  const model = tf.sequential();
  model.add(tf.layers.embedding({
    inputDim: 10, outputDim: 3, maskZero: true, inputLength: SPEC.timesteps,
    embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 11 }),
  }));
  model.add(tf.layers.simpleRNN({
    units: 4, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: 13, gain: 1 }),
  }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 14 }) }));
  return model;
}

function flatWeights(model) {
  const out = [];
  for (const w of model.getWeights()) out.push(...Array.from(w.dataSync()).map(f32));
  return out;
}

async function train(opts, initial, optimizer) {
  const model = buildModel();
  let off = 0;
  model.setWeights(model.getWeights().map((w) => {
    const t = tf.tensor(initial.slice(off, off + w.size), w.shape);
    off += w.size;
    return t;
  }));
  model.compile({ optimizer, loss: opts.loss, metrics: opts.metrics });
  const x = tf.tensor2d(INPUTS, [INPUTS.length, SPEC.timesteps], 'float32');
  const y = tf.tensor2d(TARGETS);
  const h = await model.fit(x, y, { epochs: opts.epochs, batchSize: opts.batchSize, shuffle: false, verbose: 0 });
  const history = {};
  for (const [k, v] of Object.entries(h.history)) history[k === 'acc' ? 'accuracy' : k] = v.map(f32);
  return { history, finalParameters: flatWeights(model) };
}

async function main() {
  await tf.setBackend('cpu');
  const eps = tf.backend().epsilon();
  const opts = {
    epochs: 3, batchSize: 5, learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: eps,
    loss: 'binaryCrossentropy', metrics: ['accuracy'],
  };
  const initial = flatWeights(buildModel());
  const real = await train(opts, initial, tf.train.adam(opts.learningRate, opts.beta1, opts.beta2, opts.epsilon));
  const keras = await train(opts, initial, new KerasAdam(opts.learningRate, opts.beta1, opts.beta2, opts.epsilon));
  const lossDiff = Math.max(...real.history.loss.map((v, i) => Math.abs(v - keras.history.loss[i])));
  const paramDiff = Math.max(...real.finalParameters.map((v, i) => Math.abs(v - keras.finalParameters[i])));
  const moved = Math.max(...real.finalParameters.map((v, i) => Math.abs(v - initial[i])));
  console.log(`fit_masked_tfjs: loss ${real.history.loss.join(', ')}; accuracy ${real.history.accuracy.join(', ')}; ` +
    `max |param change| ${moved.toExponential(2)}; tf.train.adam vs Keras-formula Adam: loss ${lossDiff.toExponential(2)}, ` +
    `final params ${paramDiff.toExponential(2)}`);
  write(path.join(FIX, 'fit_masked_tfjs.json'), {
    generator: `tests/reference/fit_masked_tfjs.js, TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32`,
    name: 'fit_masked_tfjs',
    description: '8 token sequences (T=6, token 0 = padding, masked by Embedding maskZero), binary labels; batches of 5, 3; ' +
      'embeddings randomUniform(-0.5, 0.5, seed 11), kernels glorotUniform (seeds 12, 14), recurrent orthogonal (seed 13), zero biases',
    mask: { kind: 'MaskZero', value: 0 },
    model: SPEC,
    initialParameters: initial,
    inputs: INPUTS,
    targets: TARGETS,
    options: { ...opts, shuffle: false, optimizer: 'adam', epsilonPlacement: 'tf.train.adam: p -= lr*m_hat/(sqrt(v_hat)+eps)' },
    history: real.history,
    finalParameters: real.finalParameters,
    kerasAdam: {
      formula: 'Keras 3 Adam: alpha = lr*sqrt(1-b2^t)/(1-b1^t); p -= alpha*m/(sqrt(v)+eps)',
      history: keras.history,
      finalParameters: keras.finalParameters,
      maxAbsLossDiffFromTfjsAdam: lossDiff,
      maxAbsFinalParameterDiffFromTfjsAdam: paramDiff,
    },
  });
}

main();
