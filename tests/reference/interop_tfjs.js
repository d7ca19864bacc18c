// Interop fixtures from real TensorFlow.js 4.22.0: models saved through a save handler
// (tf.io.withSaveHandler), written as model.json (modelTopology + weightsManifest) and one .bin
// shard, exactly what `model.save('file://...')` writes. Appends the cases to
// fixtures/interop/interop_tfjs.json with tfjs's own predict() output.
//
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node interop_tfjs.js
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const OUT = path.join(__dirname, 'fixtures', 'interop');
const cases = [];

async function save(name, model) {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const shard = `${name}.bin`;
    const json = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: [shard], weights: artifacts.weightSpecs }],
    };
    fs.writeFileSync(path.join(OUT, `${name}.json`), JSON.stringify(json));
    fs.writeFileSync(path.join(OUT, shard), Buffer.from(artifacts.weightData));
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
}

async function build(name, timesteps, features, layers, specs, opts = {}) {
  const model = tf.sequential({ layers });
  // Deterministic non-trivial weights: uniform(-0.6, 0.6) from a seeded tf.randomUniform.
  let seed = 100;
  model.setWeights(model.getWeights().map((w) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', seed++)));
  const x = tf.randomUniform([1, timesteps, features], -1, 1, 'float32', 7);
  const y = model.predict(x);
  await save(name, model);
  if (!opts.negative) {
    cases.push({
      name, file: `${name}.json`, format: 'tfjs', timesteps, features, layers: specs,
      input: Array.from(x.dataSync()).map(f32), output: Array.from(y.dataSync()).map(f32),
    });
  }
}

const rnn = (kind, units, rs = false, extra = {}) => ({
  kind, units, activation: 'tanh', returnSequences: rs, useBias: true, goBackwards: false, ...extra,
});

(async () => {
  // LSTM with recurrentActivation 'sigmoid' (imports) + Dense softmax.
  await build('tfjs_lstm', 4, 3, [
    tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid', inputShape: [4, 3] }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ], [rnn('Lstm', 5), { kind: 'Dense', units: 3, activation: 'softmax', useBias: true }]);
  // GRU (tfjs supports only reset_after=false) with sigmoid, returning sequences, Dense per timestep.
  await build('tfjs_gru', 5, 2, [
    tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid', returnSequences: true, inputShape: [5, 2] }),
    tf.layers.dense({ units: 2, activation: 'tanh' }),
  ], [rnn('Gru', 4, true, { resetAfter: false }), { kind: 'Dense', units: 2, activation: 'tanh', useBias: true }]);
  // Stacked SimpleRNN, relu then tanh, going backwards on the second.
  await build('tfjs_srnn_stacked', 4, 3, [
    tf.layers.simpleRNN({ units: 4, activation: 'relu', returnSequences: true, inputShape: [4, 3] }),
    tf.layers.simpleRNN({ units: 3, goBackwards: true }),
    tf.layers.dense({ units: 2, useBias: false }),
  ], [rnn('SimpleRnn', 4, true, { activation: 'relu' }), rnn('SimpleRnn', 3, false, { goBackwards: true }),
    { kind: 'Dense', units: 2, activation: 'linear', useBias: false }]);
  // Negative: tfjs's default LSTM and GRU use hard_sigmoid; they must be refused.
  await build('tfjs_lstm_default', 4, 3, [
    tf.layers.lstm({ units: 5, inputShape: [4, 3] }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ], null, { negative: true });
  await build('tfjs_gru_default', 5, 2, [
    tf.layers.gru({ units: 4, returnSequences: true, inputShape: [5, 2] }),
    tf.layers.dense({ units: 2, activation: 'tanh' }),
  ], null, { negative: true });
  write(path.join(OUT, 'interop_tfjs.json'), {
    generator: 'tests/reference/interop_tfjs.js', tfjs: tf.version.tfjs, cases,
  });
  console.log(`wrote ${cases.length} tfjs cases`);
})().catch((e) => { console.error(e); process.exit(1); });
