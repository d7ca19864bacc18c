#!/usr/bin/env bash
# Regenerates every fixture in tests/reference/fixtures/ (order matters: the node scripts read
# what the python scripts wrote). Needs PyTorch 1.13 at /usr/bin/python3 and @tensorflow/tfjs 4.22.0
# (NODE_PATH, or `npm install` in this folder).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export NODE_PATH=${NODE_PATH:-/work/refenv/node_modules}
"$PY" layers_pytorch.py
node layers_keras.js
node layers_tfjs_defaults.js
"$PY" layers_pytorch_gates.py
"$PY" optimizers.py
node optimizers_tfjs.js
node fit_tfjs.js
node losses_tfjs.js
"$PY" losses_check.py
node toolkit_tfjs.js
"$PY" toolkit_keras_formulas.py
"$PY" interop_pytorch.py
node interop_tfjs.js
node interop_tfjs_defaults.js
"$PY" interop_bidirectional.py
node interop_bidirectional_tfjs.js
"$PY" bidirectional_pytorch.py
node bidirectional_tfjs.js
"$PY" bidirectional_check.py
"$PY" states_pytorch.py
node states_tfjs.js
node masking_tfjs.js
"$PY" masking_check.py
node fit_masked_tfjs.js
"$PY" dropout_pytorch.py
node dropout_tfjs.js
"$PY" masking_pytorch.py
