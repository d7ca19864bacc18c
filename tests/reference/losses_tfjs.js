// Loss reference values from real TensorFlow.js (float32).
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node losses_tfjs.js
// Writes fixtures/losses.json; losses_check.py then re-derives the values with PyTorch (float64).
//
// Probability losses use the exact functions tfjs-layers' model.compile() uses (taken from
// model.lossFunctions after compile({loss: name})), i.e. Keras semantics: mean over the last axis
// (MSE, BCE), probabilities clipped to [eps, 1-eps] with eps = 1e-7, categorical outputs divided by
// their row sum first. fromLogits variants use the tfjs core losses tf.losses.sigmoidCrossEntropy /
// tf.losses.softmaxCrossEntropy (reduction NONE), because tfjs-layers' losses take no fromLogits
// option (and its sparse loss clips *before* a fromLogits softmax, which would be wrong for logits).
// For every batch: per-sample losses, their mean (Keras "sum_over_batch_size" reduction) and
// d(mean loss)/d(yPred) from tf.grad.
'use strict';
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FILE = path.join(__dirname, 'fixtures', 'losses.json');

function compiledLoss(name) {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  m.compile({ optimizer: 'sgd', loss: name });
  return (m.lossFunctions || m.model.lossFunctions)[0]; // tf.Sequential wraps a LayersModel
}

const LOSSES = {
  meanSquaredError: { fn: compiledLoss('meanSquaredError'), impl: 'tfjs-layers losses.meanSquaredError (via compile)' },
  binaryCrossentropy: { fn: compiledLoss('binaryCrossentropy'), impl: 'tfjs-layers losses.binaryCrossentropy (via compile)' },
  categoricalCrossentropy: { fn: compiledLoss('categoricalCrossentropy'), impl: 'tfjs-layers losses.categoricalCrossentropy (via compile)' },
  sparseCategoricalCrossentropy: { fn: compiledLoss('sparseCategoricalCrossentropy'), impl: 'tfjs-layers losses.sparseCategoricalCrossentropy (via compile)' },
  binaryCrossentropyFromLogits: {
    fn: (yt, yp) => tf.mean(tf.losses.sigmoidCrossEntropy(yt, yp, undefined, 0, tf.Reduction.NONE), -1),
    impl: 'tf.losses.sigmoidCrossEntropy (reduction NONE), mean over the last axis',
  },
  categoricalCrossentropyFromLogits: {
    fn: (yt, yp) => tf.losses.softmaxCrossEntropy(yt, yp, undefined, 0, tf.Reduction.NONE),
    impl: 'tf.losses.softmaxCrossEntropy (reduction NONE)',
  },
  sparseCategoricalCrossentropyFromLogits: {
    fn: (yt, yp) => tf.losses.softmaxCrossEntropy(
      tf.oneHot(tf.cast(tf.reshape(yt, [-1]), 'int32'), yp.shape[yp.shape.length - 1]), yp, undefined, 0, tf.Reduction.NONE),
    impl: 'tf.losses.softmaxCrossEntropy of tf.oneHot(labels) (reduction NONE)',
  },
};

// [loss, description, yTrue, yPred]
const BATCHES = [
  ['meanSquaredError', 'two samples, two outputs', [[1, 2], [3, 4]], [[1.5, 1.0], [2.0, 4.5]]],
  ['meanSquaredError', 'three samples, one output', [[10], [20], [30]], [[9.25], [21.5], [0]]],
  ['meanSquaredError', 'one sample, three outputs, negative values', [[-0.3, 0.7, 0.1]], [[0.2, -0.4, 0.1]]],

  ['binaryCrossentropy', 'one unit, typical probabilities', [[1], [0], [1], [0]], [[0.9], [0.2], [0.4], [0.7]]],
  ['binaryCrossentropy', 'edge: exact 0 and 1 predictions (clipped to [1e-7, 1-1e-7]; gradient is 0 where clipped)',
    [[1], [0], [1], [0]], [[0], [1], [1], [0]]],
  ['binaryCrossentropy', 'three units, soft labels, mean over units', [[1, 0, 0.3], [0, 1, 0.8]], [[0.6, 0.1, 0.5], [0.35, 0.95, 0.999]]],

  ['categoricalCrossentropy', 'one-hot, rows sum to 1', [[0, 1, 0], [1, 0, 0], [0, 0, 1]],
    [[0.2, 0.7, 0.1], [0.5, 0.25, 0.25], [0.1, 0.3, 0.6]]],
  ['categoricalCrossentropy', 'edge: true class predicted 0 and 1 exactly', [[0, 1, 0], [1, 0, 0]], [[0.5, 0, 0.5], [1, 0, 0]]],
  ['categoricalCrossentropy', 'rows NOT summing to 1 (Keras divides by the row sum first); soft labels',
    [[0.2, 0.8, 0], [0, 0, 1]], [[0.2, 0.4, 0.2], [0.3, 0.3, 0.9]]],

  ['sparseCategoricalCrossentropy', 'labels as one float per sample', [[1], [0], [2]],
    [[0.2, 0.7, 0.1], [0.5, 0.25, 0.25], [0.1, 0.3, 0.6]]],
  ['sparseCategoricalCrossentropy', 'edge: true class predicted 0 and 1 exactly', [[1], [0]], [[0.5, 0, 0.5], [1, 0, 0]]],
  ['sparseCategoricalCrossentropy', 'four classes, four samples', [[3], [3], [0], [1]],
    [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.97, 0.01, 0.01, 0.01], [0.4, 0.3, 0.2, 0.1]]],

  ['binaryCrossentropyFromLogits', 'one unit', [[1], [0], [1], [0]], [[2.0], [-1.0], [-0.5], [0.3]]],
  ['binaryCrossentropyFromLogits', 'edge: large logits (no clipping with logits)', [[1], [0], [1], [0]], [[30], [-30], [-30], [30]]],
  ['binaryCrossentropyFromLogits', 'two units, soft labels', [[1, 0.25], [0, 0.5]], [[0.1, -2.0], [1.5, 0]]],

  ['categoricalCrossentropyFromLogits', 'one-hot', [[0, 1, 0], [1, 0, 0], [0, 0, 1]], [[1, 2, 0.5], [-1, 0, 1], [0.3, 0.3, 0.3]]],
  ['categoricalCrossentropyFromLogits', 'edge: large logits', [[0, 1, 0], [1, 0, 0]], [[50, -50, 0], [40, 0, -40]]],
  ['categoricalCrossentropyFromLogits', 'soft labels', [[0.2, 0.8, 0]], [[0.5, -0.5, 2.0]]],

  ['sparseCategoricalCrossentropyFromLogits', 'labels as one float per sample', [[1], [0], [2]], [[1, 2, 0.5], [-1, 0, 1], [0.3, 0.3, 0.3]]],
  ['sparseCategoricalCrossentropyFromLogits', 'edge: large logits', [[1], [0]], [[50, -50, 0], [40, 0, -40]]],
  ['sparseCategoricalCrossentropyFromLogits', 'four classes', [[3], [0]], [[0.1, 0.2, 0.3, 0.4], [2, -1, 0, 1]]],
];

function main() {
  const cases = BATCHES.map(([loss, description, yTrue, yPred]) => tf.tidy(() => {
    const { fn, impl } = LOSSES[loss];
    const yt = tf.tensor2d(yTrue);
    const yp = tf.tensor2d(yPred);
    const perSample = fn(yt, yp);
    const mean = tf.mean(perSample);
    const grad = tf.grad((p) => tf.mean(fn(yt, p)))(yp);
    return {
      loss,
      description,
      implementation: impl,
      yTrue,
      yPred,
      perSampleLoss: Array.from(perSample.dataSync()).map(f32),
      meanLoss: f32(mean.dataSync()[0]),
      gradient: Array.from(grad.arraySync()).map((row) => row.map(f32)),
    };
  }));
  for (const c of cases) console.log(`${c.loss.padEnd(40)} mean ${c.meanLoss}  (${c.description})`);
  write(FILE, {
    generator: `tests/reference/losses_tfjs.js, TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32`,
    epsilon: tf.backend().epsilon(),
    note: 'perSampleLoss[i] = loss of sample i; meanLoss = mean over the batch; gradient = d(meanLoss)/d(yPred), same shape as yPred. ' +
      'Sparse labels are one float per sample. Probabilities are clipped to [epsilon, 1-epsilon]; the gradient is 0 where clipping bites. ' +
      'categoricalCrossentropy divides yPred by its row sum first, so its gradient includes that normalisation (see README).',
    cases,
  });
}

main();
