// Runs an ONNX model in ONNX Runtime (onnxruntime-node, CPU) on inputs given as raw float32
// files and writes every requested output as raw bytes, with a JSON summary on stdout.
// QuantLens's tests and its --verify export check use it: it is the real runtime on the other side.
//
//   node run.mjs --model M.onnx --input NAME=FILE:D0xD1x... [--input ...]
//                [--output NAME ...] --out-dir DIR [--opt none|all] [--threads N] [--repeat N]
//   node run.mjs --jobs JOBS.json [--opt none|all] [--threads N]
//
// Inputs: little-endian float32, C order, the shape after the colon. Outputs: DIR/<index>.bin in
// their own element type; the summary lists name, type, dims and file for each. With --repeat N
// the model runs N more times after the first and the summary adds ms_per_run (their mean), for
// benchmarks. --jobs runs many models in one process (tests with many small graphs): JOBS.json is
// [{"model": M, "inputs": [{"name": N, "file": F, "dims": [...]}], "out_dir": DIR}, ...]; the
// summary is a list with one entry per job, an entry {"error": message} for a model ONNX Runtime
// refused. Exit status 0 on success, 1 when ONNX Runtime refused the model or the inputs (the
// message on stderr), 2 for a bad command line.
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
let model = '', outDir = '', opt = 'all', threads = 1, repeat = 0, jobsFile = '';
for (let i = 0; i < args.length; ++i) {
  const a = args[i];
  const next = () => (i + 1 < args.length ? args[++i] : usage(`${a} needs a value`));
  if (a === '--model') model = next();
  else if (a === '--input') inputs.push(next());
  else if (a === '--output') outputs.push(next());
  else if (a === '--out-dir') outDir = next();
  else if (a === '--opt') opt = next();
  else if (a === '--threads') threads = parseInt(next(), 10);
  else if (a === '--repeat') repeat = parseInt(next(), 10);
  else if (a === '--jobs') jobsFile = next();
  else usage(`unknown argument ${a}`);
}
if (!jobsFile && (!model || !outDir)) usage('--model and --out-dir (or --jobs) are required');
if (opt !== 'none' && opt !== 'all') usage('--opt must be none or all');
if (!(repeat >= 0)) usage('--repeat must be a count');

function floatTensor(name, file, dims) {
  const bytes = readFileSync(file);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) usage(`input ${name}: ${data.length} values for shape ${dims.join('x')}`);
  return new ort.Tensor('float32', Float32Array.from(data), dims);
}

async function runOne(modelPath, feedsOf, names, dir) {
  const session = await ort.InferenceSession.create(modelPath, {
    graphOptimizationLevel: opt === 'none' ? 'disabled' : 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  const wanted = names.length ? names : session.outputNames;
  const result = await session.run(feedsOf, wanted);
  const summary = { outputs: [] };
  wanted.forEach((name, k) => {
    const t = result[name];
    const file = join(dir, `${k}.bin`);
    const d = t.data;
    writeFileSync(file, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    summary.outputs.push({ name, type: t.type, dims: t.dims, file });
  });
  if (repeat > 0) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < repeat; ++i) await session.run(feedsOf, wanted);
    summary.ms_per_run = Number(process.hrtime.bigint() - start) / 1e6 / repeat;
  }
  return summary;
}

if (jobsFile) {
  let jobs;
  try {
    jobs = JSON.parse(readFileSync(jobsFile, 'utf8'));
  } catch (e) {
    usage(`cannot read ${jobsFile}: ${e.message}`);
  }
  const all = [];
  for (const job of jobs) {
    try {
      const feedsOf = {};
      for (const i of job.inputs) feedsOf[i.name] = floatTensor(i.name, i.file, i.dims);
      all.push(await runOne(job.model, feedsOf, job.outputs || [], job.out_dir));
    } catch (e) {
      all.push({ error: String(e && e.message ? e.message : e) });
    }
  }
  console.log(JSON.stringify(all));
  process.exit(0);
}

const feeds = {};
for (const spec of inputs) {
  const m = /^([^=]+)=(.+):([0-9x]+)$/.exec(spec);
  if (!m) usage(`bad --input ${spec} (NAME=FILE:D0xD1x...)`);
  feeds[m[1]] = floatTensor(m[1], m[2], m[3].split('x').map((d) => parseInt(d, 10)));
}

try {
  console.log(JSON.stringify(await runOne(model, feeds, outputs, outDir)));
} catch (e) {
  console.error(String(e && e.message ? e.message : e));
  process.exit(1);
}
