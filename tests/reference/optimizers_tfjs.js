// Adds TensorFlow.js trajectories (source "tfjs") to fixtures/optimizers.json written by optimizers.py.
//   cd tests/reference && NODE_PATH=/work/refenv/node_modules node optimizers_tfjs.js
// tfjs optimizers have no clipnorm/clipvalue option (neither do tfjs-layers' compile()); for the clip
// cases the gradient is clipped with tfjs ops first (tf.clipByValue; g*c/max(||g||, c) via tf.norm),
// which is Keras's definition, then handed to tf.train.sgd.
'use strict';
const path = require('path');
const fs = require('fs');
const tf = require('@tensorflow/tfjs');
const { write, f32 } = require('./jsonfmt');

const FILE = path.join(__dirname, 'fixtures', 'optimizers.json');

const FORMULAS = {
  sgd: 'p -= lr*g',
  sgd_momentum: 'accum = momentum*accum + g; p -= lr*accum   (tf.train.momentum; == Keras for a constant lr)',
  sgd_nesterov: 'accum = momentum*accum + g; p -= lr*(g + momentum*accum)   (tf.train.momentum useNesterov)',
  adam: 'm = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr*(m/(1-b1^t))/(sqrt(v/(1-b2^t)) + eps)   ' +
    '(eps added to sqrt(v_hat), like torch; default eps = backend epsilon 1e-7)',
  rmsprop: 'v = decay*v + (1-decay)*g^2; p -= lr*g/sqrt(v + eps)   (eps inside the sqrt, like Keras 3)',
  clipnorm: 'g = g*clipnorm/max(||g||_2, clipnorm) with tfjs ops (no built-in option)',
  clipvalue: 'g = tf.clipByValue(g, -v, v) (no built-in option)',
};

function makeOptimizer(o) {
  switch (o.type) {
    case 'sgd':
      return o.momentum ? tf.train.momentum(o.learningRate, o.momentum, !!o.nesterov) : tf.train.sgd(o.learningRate);
    case 'adam':
      return tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(o.learningRate, o.rho, 0, o.epsilon, false);
    default:
      throw new Error(o.type);
  }
}

function formula(o) {
  let key = o.type;
  if (o.type === 'sgd') key = o.nesterov ? 'sgd_nesterov' : (o.momentum ? 'sgd_momentum' : 'sgd');
  let f = FORMULAS[key];
  if (o.clipNorm !== undefined) f = FORMULAS.clipnorm + '; then ' + f;
  if (o.clipValue !== undefined) f = FORMULAS.clipvalue + '; then ' + f;
  return f;
}

function main() {
  const fix = JSON.parse(fs.readFileSync(FILE, 'utf8'));
  const base = fix.cases.filter((c) => c.source !== 'tfjs');
  const out = [];
  for (const c of base) {
    out.push(c);
    if (c.source !== 'keras_formula') continue;
    const o = c.optimizer;
    const p = tf.variable(tf.tensor1d(fix.initialParameters, 'float32'));
    const opt = makeOptimizer(o);
    const trajectory = [];
    for (const gArr of fix.gradients) {
      tf.tidy(() => {
        let g = tf.tensor1d(gArr, 'float32');
        if (o.clipNorm !== undefined) g = tf.div(tf.mul(g, o.clipNorm), tf.maximum(tf.norm(g), o.clipNorm));
        if (o.clipValue !== undefined) g = tf.clipByValue(g, -o.clipValue, o.clipValue);
        opt.applyGradients([{ name: p.name, tensor: g }]);
      });
      trajectory.push(Array.from(p.dataSync()).map(f32));
    }
    let d = 0;
    c.trajectory.forEach((row, k) => row.forEach((v, i) => { d = Math.max(d, Math.abs(v - trajectory[k][i])); }));
    console.log(`${c.name.padEnd(14)} max |tfjs - keras_formula| over 5 steps = ${d.toExponential(3)}`);
    out.push({
      name: c.name, source: 'tfjs', optimizer: o, formula: formula(o), dtype: 'float32',
      implementation: `TensorFlow.js ${tf.version.tfjs} tf.train.${o.type === 'sgd' ? (o.momentum ? 'momentum' : 'sgd') : o.type}`,
      maxAbsDiffFromKerasFormula: d, trajectory,
    });
    opt.dispose();
    p.dispose();
  }
  fix.cases = out;
  write(FILE, fix);
}

main();
