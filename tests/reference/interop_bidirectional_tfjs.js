// Bidirectional interop fixtures from real TensorFlow.js 4.22.0: models with tf.layers.bidirectional saved
// through a save handler (tf.io.withSaveHandler) as model.json (modelTopology + weightsManifest) and one .bin
// shard, exactly what `model.save('file://...')` writes. tfjs names a Bidirectional layer's weights
// "bidirectional_Bidirectional1/forward_lstm_LSTM1/kernel", ..., ".../backward_lstm_LSTM1/bias" (forward layer,
// then backward layer) and writes its config as {merge_mode, layer: {class_name, config}}. Each file is loaded
// back (tf.loadLayersModel from the saved artifacts) and must predict what the original did. Writes
// fixtures/interop/interop_bidirectional_tfjs.json with tfjs's predict() output; "model" names the generated
// test class (tests/RnnGen.Tests/Interop/BidirectionalImportTests.cs).
//
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node interop_bidirectional_tfjs.js
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const OUT = path.join(__dirname, 'fixtures', 'interop');
const cases = [];

async function save(name, model) {
  let saved;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const shard = `${name}.bin`;
    saved = artifacts;
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
  return saved;
}

async function build(name, model, timesteps, features, layers, specs) {
  const m = tf.sequential({ layers });
  let seed = 300;
  m.setWeights(m.getWeights().map((w) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', seed++)));
  const x = tf.randomUniform([1, timesteps, features], -1, 1, 'float32', 17);
  const y = m.predict(x);
  const artifacts = await save(name, m);
  // The saved files reproduce the model in tfjs itself.
  const back = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const diff = tf.max(tf.abs(tf.sub(back.predict(x), y))).dataSync()[0];
  if (diff !== 0) throw new Error(`${name}: reloaded model differs by ${diff}`);
  cases.push({
    name, file: `${name}.json`, model, format: 'tfjs', timesteps, features, layers: specs,
    input: Array.from(x.dataSync()).map(f32), output: Array.from(y.dataSync()).map(f32),
  });
}

const rnn = (kind, units, rs = false, extra = {}) => ({
  kind, units, activation: 'tanh', returnSequences: rs, useBias: true, goBackwards: false, bidirectional: true, ...extra,
});

(async () => {
  // Bidirectional LSTM (sigmoid gates), concat, then Dense softmax.
  await build('bi_tfjs_lstm', 'TfjsBiLstmModel', 4, 3, [
    tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }), inputShape: [4, 3] }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ], [rnn('Lstm', 5, false, { merge: 'Concat' }), { kind: 'Dense', units: 3, activation: 'softmax', useBias: true }]);
  // Bidirectional GRU (tfjs: reset_after false), returning sequences, merged by average, then Dense per timestep.
  await build('bi_tfjs_gru_ave', 'TfjsBiGruAverageModel', 5, 2, [
    tf.layers.bidirectional({
      layer: tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid', returnSequences: true }),
      mergeMode: 'ave', inputShape: [5, 2],
    }),
    tf.layers.dense({ units: 2, activation: 'tanh' }),
  ], [rnn('Gru', 4, true, { resetAfter: false, merge: 'Average' }), { kind: 'Dense', units: 2, activation: 'tanh', useBias: true }]);
  // Bidirectional SimpleRNN (relu), merged by product, then another by sum, then Dense.
  await build('bi_tfjs_srnn_mul_sum', 'TfjsBiSrnnModel', 4, 3, [
    tf.layers.bidirectional({
      layer: tf.layers.simpleRNN({ units: 3, activation: 'relu', returnSequences: true }), mergeMode: 'mul', inputShape: [4, 3],
    }),
    tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 2 }), mergeMode: 'sum' }),
    tf.layers.dense({ units: 2 }),
  ], [rnn('SimpleRnn', 3, true, { activation: 'relu', merge: 'Multiply' }), rnn('SimpleRnn', 2, false, { merge: 'Sum' }),
    { kind: 'Dense', units: 2, activation: 'linear', useBias: true }]);
  // go_backwards on the wrapped layer: tfjs (like Keras 2) runs the forward copy backwards and the backward copy forwards.
  await build('bi_tfjs_lstm_go_backwards', 'TfjsBiLstmGoBackwardsModel', 5, 3, [
    tf.layers.bidirectional({
      layer: tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, goBackwards: true }), inputShape: [5, 3],
    }),
    tf.layers.dense({ units: 2 }),
  ], [rnn('Lstm', 3, true, { goBackwards: true, merge: 'Concat' }), { kind: 'Dense', units: 2, activation: 'linear', useBias: true }]);
  write(path.join(OUT, 'interop_bidirectional_tfjs.json'), {
    generator: 'tests/reference/interop_bidirectional_tfjs.js', tfjs: tf.version.tfjs, cases,
  });
  console.log(`wrote ${cases.length} tfjs cases`);
})().catch((e) => { console.error(e); process.exit(1); });
