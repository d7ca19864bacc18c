// Training trajectories from real TensorFlow.js model.fit (shuffle: false, Adam).
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node fit_tfjs.js
// Writes fixtures/fit_sparse_ce.json and fixtures/fit_mse.json.
//
// Each case is trained twice from the same initial weights:
//   * "history"/"finalParameters": tf.train.adam, the real tfjs optimizer
//     (eps added to sqrt(v_hat): p -= lr*m_hat/(sqrt(v_hat) + eps));
//   * "kerasAdam": the same fit with a tiny tf.Optimizer subclass implementing the Keras 3 Adam
//     formula (p -= lr*sqrt(1-b2^t)/(1-b1^t) * m/(sqrt(v) + eps)), which is what RnnGen's Adam implements.
// Everything else (forward, backward, loss, batching, epoch averaging) is tfjs's own code.
'use strict';
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FIX = path.join(__dirname, 'fixtures');

/** Keras 3 Adam (keras/src/optimizers/adam.py) as a tfjs optimizer. */
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

/** mulberry32: a tiny seeded PRNG so the data are reproducible. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildModel(spec, seed) {
  const model = tf.sequential();
  let s = seed;
  spec.layers.forEach((l, i) => {
    const init = { kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }) };
    const args = { units: l.units, activation: l.activation, useBias: l.useBias, ...init };
    if (i === 0) args.inputShape = [spec.timesteps, spec.features];
    if (l.kind === 'SimpleRnn') {
      model.add(tf.layers.simpleRNN({
        ...args, returnSequences: l.returnSequences, goBackwards: l.goBackwards,
        recurrentInitializer: tf.initializers.orthogonal({ seed: s++, gain: 1 }),
      }));
    } else if (l.kind === 'Dense') {
      model.add(tf.layers.dense(args));
    } else {
      throw new Error(l.kind);
    }
  });
  return model;
}

function flatWeights(model) {
  const out = [];
  for (const w of model.getWeights()) out.push(...Array.from(w.dataSync()).map(f32));
  return out;
}

async function train(spec, inputs, targets, opts, initial, optimizer) {
  const model = buildModel(spec, 1);
  let off = 0;
  model.setWeights(model.getWeights().map((w) => {
    const t = tf.tensor(initial.slice(off, off + w.size), w.shape);
    off += w.size;
    return t;
  }));
  model.compile({ optimizer, loss: opts.loss, metrics: opts.metrics });
  const x = tf.tensor3d(inputs, [inputs.length, spec.timesteps, spec.features]);
  const y = tf.tensor2d(targets);
  const h = await model.fit(x, y, { epochs: opts.epochs, batchSize: opts.batchSize, shuffle: false, verbose: 0 });
  const history = {};
  for (const [k, v] of Object.entries(h.history)) history[k === 'acc' ? 'accuracy' : k] = v.map(f32);
  return { history, finalParameters: flatWeights(model) };
}

function srnn(units) {
  return { kind: 'SimpleRnn', units, activation: 'tanh', returnSequences: false, useBias: true, goBackwards: false };
}
function dense(units, activation) {
  return { kind: 'Dense', units, activation, useBias: true };
}

async function runCase(name, spec, inputs, targets, opts, description) {
  const initial = flatWeights(buildModel(spec, 1)); // seeded glorot/orthogonal, zero biases
  const optimizer = tf.train.adam(opts.learningRate, opts.beta1, opts.beta2, opts.epsilon);
  const real = await train(spec, inputs, targets, opts, initial, optimizer);
  const keras = await train(spec, inputs, targets, opts, initial,
    new KerasAdam(opts.learningRate, opts.beta1, opts.beta2, opts.epsilon));
  const lossDiff = Math.max(...real.history.loss.map((v, i) => Math.abs(v - keras.history.loss[i])));
  const paramDiff = Math.max(...real.finalParameters.map((v, i) => Math.abs(v - keras.finalParameters[i])));
  const last = real.history.loss.length - 1;
  console.log(`${name}: loss ${real.history.loss[0]} -> ${real.history.loss[last]}` +
    (real.history.accuracy ? `, accuracy ${real.history.accuracy[last]}` : '') +
    `; tf.train.adam vs Keras-formula Adam: max |loss diff| ${lossDiff.toExponential(2)}, ` +
    `max |final param diff| ${paramDiff.toExponential(2)}`);
  write(path.join(FIX, `${name}.json`), {
    generator: `tests/reference/fit_tfjs.js, TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32`,
    name,
    description,
    model: spec,
    initialParameters: initial,
    inputs: inputs.map((s) => s.flat()),
    targets,
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

async function main() {
  await tf.setBackend('cpu');
  // fit_sparse_ce: 10 samples, T=3, F=4, labels in [0, 3)
  const r = rng(12345);
  const ceInputs = [];
  const ceTargets = [];
  for (let n = 0; n < 10; n++) {
    const s = [];
    for (let t = 0; t < 3; t++) {
      const row = [];
      for (let f = 0; f < 4; f++) row.push(f32(r() * 2 - 1));
      s.push(row);
    }
    ceInputs.push(s);
    ceTargets.push([Math.floor(r() * 3)]);
  }
  const eps = tf.backend().epsilon();
  await runCase('fit_sparse_ce', { timesteps: 3, features: 4, layers: [srnn(3), dense(3, 'softmax')] },
    ceInputs, ceTargets,
    { epochs: 150, batchSize: 4, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: eps,
      loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
    '10 samples, batches of 4,4,2; labels are sparse class ids (one float per sample)');
  await runCase('fit_mse', { timesteps: 3, features: 1, layers: [srnn(4), dense(1, 'linear')] },
    [[[1], [2], [3]], [[2], [3], [4]], [[3], [4], [5]]], [[10], [20], [30]],
    { epochs: 150, batchSize: 2, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: eps,
      loss: 'meanSquaredError', metrics: [] },
    'the classic regression: batches of 2,1');
}

main();
