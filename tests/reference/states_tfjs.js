// Adds TensorFlow.js initial/final state cases (source "tfjs") to fixtures/states.json written by states_pytorch.py.
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node states_tfjs.js
//
// For every torch case tfjs can express (not the reset_after GRU ones: tfjs 4.22's GRUCell has only
// reset_after=false), the same parameters, input and initial state are run through real tfjs layers built with
// returnState: true and called as layer.apply(x, {initialState: [h] | [h, c] | [fh, fc, bh, bc]}) (for a
// Bidirectional, tfjs-layers/dist/layers/wrappers.js splits initialState in half: forward states, then backward);
// the layer returns [output, ...finalStates], which are recorded in the same flat layout. LSTM/GRU use
// recurrentActivation 'sigmoid'. The script asserts tfjs agrees with torch to 1e-5 relative and writes each as
// "<name>_tfjs" with tfjs's own (float32) output and finalState.
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FILE = path.join(__dirname, 'fixtures', 'states.json');
const TOLERANCE = 1e-5;

function makeLayer(l) {
  if (l.kind === 'Dense') return tf.layers.dense({ units: l.units, activation: l.activation, useBias: l.useBias });
  const args = {
    units: l.units, activation: l.activation, useBias: l.useBias, returnSequences: l.returnSequences,
    goBackwards: l.goBackwards, returnState: true,
  };
  if (l.kind !== 'SimpleRnn') args.recurrentActivation = 'sigmoid';
  const inner = { SimpleRnn: tf.layers.simpleRNN, Lstm: tf.layers.lstm, Gru: tf.layers.gru }[l.kind](args);
  if (l.bidirectional) {
    if (l.merge !== 'Concat') throw new Error('merge');
    return tf.layers.bidirectional({ layer: inner, mergeMode: 'concat' });
  }
  return inner;
}

function stateSize(l) {
  if (l.kind === 'Dense') return 0;
  const n = l.units * (l.kind === 'Lstm' ? 2 : 1);
  return l.bidirectional ? 2 * n : n;
}

function runTfjs(c) {
  return tf.tidy(() => {
    let y = tf.tensor3d(c.input, [1, c.timesteps, c.features], 'float32');
    let p = 0;
    let s = 0;
    const finalState = [];
    for (const l of c.layers) {
      const layer = makeLayer(l);
      if (l.kind === 'Dense') {
        layer.apply(y);
        layer.setWeights(layer.getWeights().map((w) => { const t = tf.tensor(c.parameters.slice(p, p + w.size), w.shape); p += w.size; return t; }));
        y = layer.apply(y);
        continue;
      }
      const n = stateSize(l);
      const flatState = c.initialState.slice(s, s + n);
      s += n;
      const initialState = [];
      for (let o = 0; o < n; o += l.units) initialState.push(tf.tensor2d(flatState.slice(o, o + l.units), [1, l.units], 'float32'));
      layer.apply(y, { initialState });
      layer.setWeights(layer.getWeights().map((w) => { const t = tf.tensor(c.parameters.slice(p, p + w.size), w.shape); p += w.size; return t; }));
      const [out, ...states] = layer.apply(y, { initialState });
      if (states.length !== initialState.length) throw new Error(`${c.name}: ${states.length} states returned`);
      for (const st of states) finalState.push(...st.dataSync());
      y = out;
    }
    if (p !== c.parameters.length) throw new Error(`${c.name}: parameter count ${p} != ${c.parameters.length}`);
    return { output: Array.from(y.dataSync()), finalState };
  });
}

function maxDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

function main() {
  const file = JSON.parse(fs.readFileSync(FILE, 'utf8'));
  const torchCases = file.cases.filter((c) => c.source === 'torch');
  const cases = [...torchCases];
  let failures = 0;
  for (const c of torchCases) {
    if (c.layers.some((l) => l.kind === 'Gru' && l.resetAfter)) {
      console.log(`${c.name.padEnd(26)} skipped: reset_after GRU`);
      continue;
    }
    const r = runTfjs(c);
    const d = Math.max(maxDiff(r.output, c.output), maxDiff(r.finalState, c.finalState));
    const ok = d < TOLERANCE;
    if (!ok) failures++;
    console.log(`${c.name.padEnd(26)} tfjs vs torch: output and finalState max rel diff ${d.toExponential(2)} ${ok ? 'ok' : 'MISMATCH'}`);
    const layers = c.layers.map((l) => (l.kind === 'Lstm' || l.kind === 'Gru' ? { ...l, recurrentActivation: 'sigmoid' } : l));
    cases.push({
      name: `${c.name}_tfjs`,
      source: 'tfjs',
      seed: c.seed,
      timesteps: c.timesteps,
      features: c.features,
      layers,
      parameters: c.parameters,
      input: c.input,
      initialState: c.initialState,
      output: r.output.map(f32),
      finalState: r.finalState.map(f32),
      maxRelDiffFromTorch: d,
    });
  }
  file.generator = `${file.generator.split('; tfjs: ')[0]}; tfjs: TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32, ` +
    'returnState + layer.apply(x, {initialState}), same parameters/input/initialState as the torch case (float32-rounded)';
  file.cases = cases;
  write(FILE, file);
  if (failures > 0) {
    console.error(`${failures} case(s) disagree with torch beyond ${TOLERANCE}`);
    process.exit(1);
  }
}

main();
