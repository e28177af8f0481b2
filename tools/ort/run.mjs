// Runs an ONNX model in ONNX Runtime (onnxruntime-node, CPU) on inputs given as raw float32
// files and writes every requested output as raw bytes, with a JSON summary on stdout.
// QuantLens's tests and its --verify export check use it: it is the real runtime on the other side.
//
//   node run.mjs --model M.onnx --input NAME=FILE:D0xD1x... [--input ...]
//                [--output NAME ...] --out-dir DIR [--opt none|all] [--threads N]
//
// Inputs: little-endian float32, C order, the shape after the colon. Outputs: DIR/<index>.bin in
// their own element type; the summary lists name, type, dims and file for each. Exit status 0
// on success, 1 when ONNX Runtime refused the model or the inputs (the message on stderr),
// 2 for a bad command line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let ort;
try {
  ort = require('onnxruntime-node');
} catch (e) {
  console.error('onnxruntime-node is not installed beside this script: run scripts/bootstrap (npm install --ignore-scripts)');
  process.exit(1);
}

function usage(msg) {
  console.error(`run.mjs: ${msg}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const inputs = [];
const outputs = [];
let model = '', outDir = '', opt = 'all', threads = 1;
for (let i = 0; i < args.length; ++i) {
  const a = args[i];
  const next = () => (i + 1 < args.length ? args[++i] : usage(`${a} needs a value`));
  if (a === '--model') model = next();
  else if (a === '--input') inputs.push(next());
  else if (a === '--output') outputs.push(next());
  else if (a === '--out-dir') outDir = next();
  else if (a === '--opt') opt = next();
  else if (a === '--threads') threads = parseInt(next(), 10);
  else usage(`unknown argument ${a}`);
}
if (!model || !outDir) usage('--model and --out-dir are required');
if (opt !== 'none' && opt !== 'all') usage('--opt must be none or all');

const feeds = {};
for (const spec of inputs) {
  const m = /^([^=]+)=(.+):([0-9x]+)$/.exec(spec);
  if (!m) usage(`bad --input ${spec} (NAME=FILE:D0xD1x...)`);
  const dims = m[3].split('x').map((d) => parseInt(d, 10));
  const bytes = readFileSync(m[2]);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) usage(`input ${m[1]}: ${data.length} values for shape ${m[3]}`);
  feeds[m[1]] = new ort.Tensor('float32', Float32Array.from(data), dims);
}

try {
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: opt === 'none' ? 'disabled' : 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  const names = outputs.length ? outputs : session.outputNames;
  const result = await session.run(feeds, names);
  const summary = { outputs: [] };
  names.forEach((name, k) => {
    const t = result[name];
    const file = join(outDir, `${k}.bin`);
    const d = t.data;
    writeFileSync(file, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    summary.outputs.push({ name, type: t.type, dims: t.dims, file });
  });
  console.log(JSON.stringify(summary));
} catch (e) {
  console.error(String(e && e.message ? e.message : e));
  process.exit(1);
}
