// Predictions of the TensorFlow.js default LSTM and GRU files (recurrentActivation 'hardSigmoid', GRU resetAfter
// false) that interop_tfjs.js saves as fixtures/interop/tfjs_lstm_default.json and tfjs_gru_default.json. This
// script loads those files back into real TensorFlow.js 4.22 (tf.io.fromMemory with the saved topology and
// weight shard; the files are read, never rewritten), predicts on a seeded input and writes the manifest
// fixtures/interop/interop_tfjs_defaults.json in the format of interop_tfjs.json, so the importer is tested on
// tfjs's defaults. Run it after interop_tfjs.js.
//
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node interop_tfjs_defaults.js
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const OUT = path.join(__dirname, 'fixtures', 'interop');

async function load(name) {
  const json = JSON.parse(fs.readFileSync(path.join(OUT, `${name}.json`), 'utf8'));
  const bin = fs.readFileSync(path.join(OUT, json.weightsManifest[0].paths[0]));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData,
  }));
}

const rnn = (kind, units, rs, extra = {}) => ({
  kind, units, activation: 'tanh', returnSequences: rs, useBias: true, goBackwards: false, ...extra,
});

(async () => {
  const cases = [];
  for (const [name, timesteps, features, specs] of [
    ['tfjs_lstm_default', 4, 3, [rnn('Lstm', 5, false), { kind: 'Dense', units: 3, activation: 'softmax', useBias: true }]],
    ['tfjs_gru_default', 5, 2, [rnn('Gru', 4, true, { resetAfter: false }), { kind: 'Dense', units: 2, activation: 'tanh', useBias: true }]],
  ]) {
    const model = await load(name);
    specs.forEach((s, i) => {
      if (s.kind !== 'Lstm' && s.kind !== 'Gru') return;
      const config = model.layers[i].getConfig();
      if (config.recurrentActivation !== 'hardSigmoid') throw new Error(`${name}: recurrentActivation ${config.recurrentActivation}`);
      if (s.kind === 'Gru' && config.resetAfter) throw new Error(`${name}: resetAfter true`);
      s.recurrentActivation = config.recurrentActivation;
    });
    // Wide inputs, so some gates saturate (hardSigmoid is flat outside [-2.5, 2.5]).
    const x = tf.randomUniform([1, timesteps, features], -3, 3, 'float32', 17);
    const y = model.predict(x);
    cases.push({
      name, file: `${name}.json`, format: 'tfjs', timesteps, features, layers: specs,
      input: Array.from(x.dataSync()).map(f32), output: Array.from(y.dataSync()).map(f32),
    });
  }

  write(path.join(OUT, 'interop_tfjs_defaults.json'), {
    generator: 'tests/reference/interop_tfjs_defaults.js', tfjs: tf.version.tfjs, cases,
  });
  console.log(`wrote ${cases.length} tfjs default cases`);
})().catch((e) => { console.error(e); process.exit(1); });
