// Layer reference values from real TensorFlow.js (float32, Keras layers API).
//
// Reads fixtures/layers_pytorch.json (parameters, input and output gradient are generated once,
// by layers_pytorch.py), rebuilds every case as a tf.sequential model, loads the SAME parameters
// with layer.setWeights, and records output, dL/dinput (tf.grad) and dL/dparameters
// (tf.variableGrads) for L = sum(output * outputGradient). Writes fixtures/layers_keras.json and
// prints, per case, the largest difference from PyTorch.
//
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node layers_keras.js
//   (or `npm install` here, then `node layers_keras.js`)
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FIX = path.join(__dirname, 'fixtures');

// tfjs 4.22.0 bug: the gradient of Unpack (tf.unstack) calls tf.stack(dy) but the engine hands it a
// single tensor, not an array, when the unstacked axis has length 1. The RNN layers unstack the time
// axis, so dL/dinput of any timesteps=1 model throws "Argument tensors passed to stack must be a
// `Tensor[]`". Re-register the same gradient, accepting a lone tensor. (Math unchanged.)
tf.registerGradient({
  kernelName: 'Unpack',
  gradFunc: (dy, saved, attrs) => ({ value: () => tf.stack(Array.isArray(dy) ? dy : [dy], attrs.axis) }),
});
const TOLERANCE = 1e-5; // |tfjs - torch| / max(1, |torch|)

function skipReason(c) {
  for (const l of c.layers) {
    if (l.kind === 'Gru' && l.resetAfter) {
      return 'tfjs GRUCell supports only reset_after=false (it throws for resetAfter: true)';
    }
  }
  return null;
}

function buildModel(c) {
  const model = tf.sequential();
  c.layers.forEach((l, i) => {
    const first = i === 0;
    let layer;
    const rnnArgs = {
      units: l.units, activation: l.activation, useBias: l.useBias,
      returnSequences: l.returnSequences, goBackwards: l.goBackwards,
    };
    if (first) rnnArgs.inputShape = [c.timesteps, c.features];
    switch (l.kind) {
      case 'SimpleRnn':
        layer = tf.layers.simpleRNN(rnnArgs);
        break;
      case 'Lstm': // tfjs defaults recurrentActivation to hardSigmoid; Keras 2.x/3.x use sigmoid.
        layer = tf.layers.lstm({ ...rnnArgs, recurrentActivation: 'sigmoid' });
        break;
      case 'Gru':
        layer = tf.layers.gru({ ...rnnArgs, recurrentActivation: 'sigmoid' });
        break;
      case 'Dense': {
        const a = { units: l.units, activation: l.activation, useBias: l.useBias };
        if (first) a.inputShape = [c.features];
        layer = tf.layers.dense(a);
        break;
      }
      case 'Embedding':
        layer = tf.layers.embedding({ inputDim: l.inputDim, outputDim: l.outputDim, inputLength: c.timesteps });
        break;
      default:
        throw new Error(`unknown layer kind ${l.kind}`);
    }
    model.add(layer);
  });
  return model;
}

function setParameters(model, flat) {
  let offset = 0;
  for (const layer of model.layers) {
    const ws = layer.getWeights().map((w) => {
      const n = w.size;
      const t = tf.tensor(flat.slice(offset, offset + n), w.shape, 'float32');
      offset += n;
      return t;
    });
    layer.setWeights(ws);
  }
  if (offset !== flat.length) throw new Error(`parameter count ${offset} != ${flat.length}`);
}

function maxDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

function runCase(c) {
  const model = buildModel(c);
  setParameters(model, c.parameters);
  const tokens = c.layers[0].kind === 'Embedding';
  const x = tokens ? tf.tensor2d(c.input, [1, c.timesteps], 'float32')
    : tf.tensor3d(c.input, [1, c.timesteps, c.features], 'float32');
  const out = model.apply(x, { training: true });
  const g = tf.tensor(c.outputGradient, out.shape, 'float32');
  const loss = (inp) => tf.sum(tf.mul(model.apply(inp, { training: true }), g));

  const vars = model.trainableWeights.map((w) => w.read());
  const { grads } = tf.variableGrads(() => loss(x), vars);
  const paramGrad = [];
  for (const v of vars) paramGrad.push(...grads[v.name].dataSync());
  const inputGrad = tokens ? null : Array.from(tf.grad(loss)(x).dataSync());

  const res = {
    name: c.name,
    timesteps: c.timesteps,
    features: c.features,
    layers: c.layers,
    parameters: c.parameters,
    input: c.input,
    output: Array.from(out.dataSync()).map(f32),
    outputGradient: c.outputGradient,
    parameterGradient: paramGrad.map(f32),
    inputGradient: inputGrad === null ? null : inputGrad.map(f32),
  };
  const d = {
    output: maxDiff(res.output, c.output),
    parameterGradient: maxDiff(res.parameterGradient, c.parameterGradient),
    inputGradient: tokens ? 0 : maxDiff(res.inputGradient, c.inputGradient),
  };
  return { res, d };
}

function main() {
  const torchFile = JSON.parse(fs.readFileSync(path.join(FIX, 'layers_pytorch.json'), 'utf8'));
  const cases = [];
  const skipped = [];
  let failures = 0;
  for (const c of torchFile.cases) {
    const why = skipReason(c);
    if (why) {
      skipped.push({ name: c.name, reason: why });
      console.log(`${c.name.padEnd(32)} SKIPPED: ${why}`);
      continue;
    }
    process.stdout.write(`${c.name.padEnd(32)} `);
    const { res, d } = tf.tidy(() => runCase(c));
    const worst = Math.max(d.output, d.parameterGradient, d.inputGradient);
    const ok = worst < TOLERANCE;
    if (!ok) failures++;
    console.log(`max rel diff vs torch: output ${d.output.toExponential(2)}  ` +
      `dParams ${d.parameterGradient.toExponential(2)}  dInput ${d.inputGradient.toExponential(2)}  ${ok ? 'ok' : 'MISMATCH'}`);
    cases.push(res);
  }
  write(path.join(FIX, 'layers_keras.json'), {
    generator: `tests/reference/layers_keras.js, TensorFlow.js ${tf.version.tfjs} (backend ${tf.getBackend()}), float32`,
    skipped,
    cases,
  });
  if (failures > 0) {
    console.error(`${failures} case(s) disagree with PyTorch beyond ${TOLERANCE}`);
    process.exit(1);
  }
}

main();
