// Reference values for the training toolkit from real TensorFlow.js (issue 10):
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node toolkit_tfjs.js
// Writes fixtures/toolkit_tfjs.json:
//   * metrics: tf.metrics.precision / tf.metrics.recall / tf.metrics.binaryAccuracy on fixed batches
//     (threshold 0.5, as Keras's Precision()/Recall() defaults; tfjs's precision/recall count
//     yPred == 1, so they get tf.greater(yPred, 0.5));
//   * fits: model.fit trajectories (shuffle: false, tf.train.sgd, whose update is exactly Keras's) with
//     classWeight (binary and sparse 3-class) and with a learning-rate schedule set from a custom
//     callback's onEpochBegin (Keras LearningRateScheduler semantics: lr = schedule(epoch, lr)).
// tfjs applies classWeight as Keras does: per-sample weight = classWeight[class of the target],
// batch loss = mean(weight * loss) over the batch (training_utils.js computeWeightedLoss, then mean).
'use strict';
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FIX = path.join(__dirname, 'fixtures');

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

function metricCases() {
  const r = rng(777);
  const cases = [
    { name: 'hand', yTrue: [1, 0, 1, 1, 0, 0, 1, 0], yPred: [0.9, 0.6, 0.4, 0.51, 0.5, 0.1, 0.7, 0.49] },
    { name: 'no_predicted_positive', yTrue: [1, 0, 1], yPred: [0.1, 0.2, 0.5] },
    { name: 'no_actual_positive', yTrue: [0, 0, 0, 0], yPred: [0.7, 0.2, 0.9, 0.3] },
  ];
  const yTrue = [];
  const yPred = [];
  for (let i = 0; i < 64; i++) {
    const label = r() < 0.35 ? 1 : 0;
    yTrue.push(label);
    yPred.push(f32(Math.min(1, Math.max(0, 0.5 * label + 0.25 + (r() - 0.5) * 0.8))));
  }
  cases.push({ name: 'random64', yTrue, yPred });
  return cases.map((c) => tf.tidy(() => {
    const t = tf.tensor2d(c.yTrue, [c.yTrue.length, 1]);
    const p = tf.tensor2d(c.yPred, [c.yPred.length, 1]);
    // tfjs's precision/recall count yPred == 1, so they need decided predictions: Keras's
    // Precision()/Recall() decide with yPred > 0.5 (metrics_utils), done here with tfjs ops.
    const decided = tf.cast(tf.greater(p, 0.5), 'float32');
    return {
      ...c,
      precision: f32(tf.metrics.precision(t, decided).dataSync()[0]),
      recall: f32(tf.metrics.recall(t, decided).dataSync()[0]),
      binaryAccuracy: f32(tf.mean(tf.metrics.binaryAccuracy(t, p)).dataSync()[0]),
    };
  }));
}

function buildModel(spec, seed) {
  const model = tf.sequential();
  let s = seed;
  spec.layers.forEach((l, i) => {
    const args = { units: l.units, activation: l.activation, kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }) };
    if (i === 0) args.inputShape = [spec.timesteps, spec.features];
    if (l.kind === 'SimpleRnn') {
      model.add(tf.layers.simpleRNN({ ...args, recurrentInitializer: tf.initializers.orthogonal({ seed: s++, gain: 1 }) }));
    } else {
      model.add(tf.layers.dense(args));
    }
  });
  return model;
}

function flatWeights(model) {
  const out = [];
  for (const w of model.getWeights()) out.push(...Array.from(w.dataSync()).map(f32));
  return out;
}

function data(seed, n, timesteps, features, classes) {
  const r = rng(seed);
  const inputs = [];
  const targets = [];
  for (let k = 0; k < n; k++) {
    const x = [];
    for (let i = 0; i < timesteps * features; i++) x.push(f32(r() * 2 - 1));
    inputs.push(x);
    targets.push([Math.floor(r() * classes)]);
  }
  return { inputs, targets };
}

async function fitCase(name, description, spec, d, opts) {
  const model = buildModel(spec, 3);
  const initial = flatWeights(model);
  const optimizer = tf.train.sgd(opts.learningRate);
  model.compile({ optimizer, loss: opts.loss });
  const x = tf.tensor3d(d.inputs.flat(), [d.inputs.length, spec.timesteps, spec.features]);
  const y = tf.tensor2d(d.targets);
  const learningRates = [];
  const callbacks = opts.schedule
    ? [new tf.CustomCallback({
      onEpochBegin: async (epoch) => {
        const lr = opts.schedule(epoch, optimizer.learningRate);
        optimizer.setLearningRate(lr);
        learningRates.push(f32(lr));
      },
    })]
    : [];
  const h = await model.fit(x, y, {
    epochs: opts.epochs, batchSize: opts.batchSize, shuffle: false, verbose: 0,
    classWeight: opts.classWeight, callbacks,
  });
  const loss = h.history.loss.map(f32);
  console.log(`${name}: loss ${loss[0]} -> ${loss[loss.length - 1]}`);
  return {
    name,
    description,
    model: spec,
    initialParameters: initial,
    inputs: d.inputs,
    targets: d.targets,
    options: {
      epochs: opts.epochs, batchSize: opts.batchSize, learningRate: opts.learningRate, loss: opts.loss,
      optimizer: 'sgd', shuffle: false, classWeight: opts.classWeight ?? null, schedule: opts.scheduleText ?? null,
    },
    learningRates: opts.schedule ? learningRates : null,
    history: { loss },
    finalParameters: flatWeights(model),
  };
}

const srnn = (units) => ({ kind: 'SimpleRnn', units, activation: 'tanh' });
const dense = (units, activation) => ({ kind: 'Dense', units, activation });

async function main() {
  await tf.setBackend('cpu');
  const binary = { timesteps: 3, features: 2, layers: [srnn(3), dense(1, 'sigmoid')] };
  const sparse = { timesteps: 3, features: 2, layers: [srnn(4), dense(3, 'softmax')] };
  const fits = [
    await fitCase('class_weights_binary', '12 samples, batches of 5,5,2; class 1 weighs 2.5, class 0 weighs 0.3',
      binary, data(4242, 12, 3, 2, 2),
      { epochs: 20, batchSize: 5, learningRate: 0.5, loss: 'binaryCrossentropy', classWeight: { 0: 0.3, 1: 2.5 } }),
    await fitCase('class_weights_sparse', '10 sparse labels in [0, 3), batches of 4,4,2',
      sparse, data(99, 10, 3, 2, 3),
      { epochs: 20, batchSize: 4, learningRate: 0.3, loss: 'sparseCategoricalCrossentropy', classWeight: { 0: 1, 1: 2, 2: 0.5 } }),
    await fitCase('lr_schedule', 'as class_weights_binary without weights; the learning rate halves from epoch 3 on (0-based 2)',
      binary, data(4242, 12, 3, 2, 2),
      { epochs: 8, batchSize: 5, learningRate: 0.5, loss: 'binaryCrossentropy',
        schedule: (epoch, lr) => (epoch < 2 ? lr : lr * 0.5), scheduleText: '(epoch, lr) => epoch < 2 ? lr : lr * 0.5' }),
  ];
  write(path.join(FIX, 'toolkit_tfjs.json'), {
    generator: `tests/reference/toolkit_tfjs.js, TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32`,
    metrics: metricCases(),
    fits,
  });
}

main();
