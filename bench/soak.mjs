#!/usr/bin/env node
// soak.mjs - a bounded, steady mixed load against a running DuctCare, sampled per interval, for latency and
// memory drift. bench/run --soak starts the packaged service and calls this; it can also run on its own.
//
// Zero dependencies: Node.js >= 18 (node:http). Loopback targets only, bounded in time (--minutes <= 240),
// every request has a timeout.
//
//   node bench/soak.mjs <fhir-base-url> --minutes M --out DIR [options]
//
// Load (--concurrency requests in flight, closed loop) for a pool of --pool Patients, one of them replaced by a new
// Patient in 1 request of 20, so that no patient piles up data (about 6 writes each); per request, by weight:
//   20  POST Condition (blocked duct, ICD-10-CM O92.79 + text, or lactational mastitis, SNOMED CT + O91.23;
//       recorded in the last 40 h) - the service makes its CarePlan in the same transaction
//   10  POST MedicationRequest (cephalexin, RxNorm 309114) - re-plans the patient's Conditions
//   20  GET Condition/<id> (one of the last 500 created)
//   15  GET Condition?subject=Patient/<id>
//   15  GET CarePlan/careplan-<condition id>
//   10  GET CarePlan?patient=Patient/<id>
//    5  GET MedicationRequest?subject=Patient/<id>
//    5  PUT Patient/<id> (a new patient, replacing one in the pool)
// Every --interval seconds: requests/s, p50/p99/max latency and errors of the interval; the server's RSS (VmRSS of
// --pid) and CPU, and the CPU everything else on the machine took (noise); from --metrics (Prometheus text,
// /q/metrics): heap used, the heap after the last full collection, minor and full GC pauses.
// Writes DIR/soak.json and DIR/soak.md (with DIR/meta.json's machine and command when present) and prints the
// Markdown. Exit status 0 when no request failed and the drift is within the limits (--max-p50-drift and
// --max-p99-drift, last vs first interval in %; --max-memory-slope, MB/min over the second half, for RSS and for the
// heap after full GC); 1 otherwise.

import http from 'node:http';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

function usage(msg) {
  if (msg) console.error(`error: ${msg}\n`);
  console.error(`usage: node soak.mjs <fhir-base-url> --out DIR [options]

options (defaults in brackets):
  --minutes M          length of the soak (decimals allowed, <= 240)         [10]
  --interval S         sampling interval in seconds                         [30]
  --concurrency N      requests in flight (<= 64)                           [4]
  --pool N             patients the load writes for at a time (<= 5000)     [64]
  --pid PID            server process: RSS and CPU from /proc/PID
  --metrics URL        Prometheus metrics of the server (e.g. http://127.0.0.1:18080/q/metrics)
  --clk-tck N          clock ticks per second of /proc/PID/stat              [100]
  --run-id S           id prefix (a letter, then letters/digits)            [random]
  --timeout-ms N       per-request timeout                                  [30000]
  --max-p50-drift P    last vs first interval p50, % allowed                [50]
  --max-p99-drift P    last vs first interval p99, % allowed                [100]
  --max-memory-slope M RSS / heap-after-GC growth over the 2nd half, MB/min [2]
  --out DIR            where soak.json and soak.md go (required)`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { minutes: 10, interval: 30, concurrency: 4, pool: 64, pid: null, metrics: null, clkTck: 100,
    runId: null, timeoutMs: 30000, maxP50Drift: 50, maxP99Drift: 100, maxMemorySlope: 2, out: null, base: null };
  const num = { '--minutes': 'minutes', '--interval': 'interval', '--concurrency': 'concurrency', '--pool': 'pool',
    '--pid': 'pid', '--clk-tck': 'clkTck', '--timeout-ms': 'timeoutMs', '--max-p50-drift': 'maxP50Drift',
    '--max-p99-drift': 'maxP99Drift', '--max-memory-slope': 'maxMemorySlope' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') usage();
    else if (num[a]) {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n < 0) usage(`${a} needs a non-negative number`);
      o[num[a]] = n;
    } else if (a === '--metrics') o.metrics = argv[++i];
    else if (a === '--run-id') o.runId = argv[++i];
    else if (a === '--out') o.out = argv[++i];
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (!o.base) o.base = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!o.base) usage('missing FHIR base URL');
  if (!o.out) usage('missing --out DIR');
  if (o.minutes <= 0 || o.minutes > 240) usage('--minutes must be in (0, 240]');
  if (o.interval < 1 || o.interval > 3600) usage('--interval must be 1..3600 s');
  if (o.concurrency < 1 || o.concurrency > 64 || !Number.isInteger(o.concurrency)) usage('--concurrency must be 1..64');
  if (o.pool < 1 || o.pool > 5000 || !Number.isInteger(o.pool)) usage('--pool must be 1..5000');
  o.runId = o.runId || `soak${Date.now().toString(36)}`;
  if (!/^[A-Za-z][A-Za-z0-9]{0,30}$/.test(o.runId)) usage('--run-id: a letter then letters/digits');
  return o;
}

const opt = parseArgs(process.argv.slice(2));
const loopback = (u) => {
  const h = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return u.protocol === 'http:' && (h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h));
};
const baseUrl = new URL(opt.base.replace(/\/+$/, ''));
if (!loopback(baseUrl)) usage(`refusing non-loopback target ${opt.base}`);
const metricsUrl = opt.metrics ? new URL(opt.metrics) : null;
if (metricsUrl && !loopback(metricsUrl)) usage(`refusing non-loopback metrics URL ${opt.metrics}`);
const basePath = baseUrl.pathname;
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.concurrency + 1 });

function request(method, relPath, body, url = null) {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { Accept: url ? 'text/plain' : 'application/fhir+json' };
    if (payload) {
      headers['Content-Type'] = 'application/fhir+json';
      headers['Content-Length'] = payload.length;
      headers.Prefer = 'return=minimal';
    }
    const target = url || baseUrl;
    const t0 = process.hrtime.bigint();
    let done = false;
    const finish = (r) => {
      if (done) return;
      done = true;
      r.ms = Number(process.hrtime.bigint() - t0) / 1e6;
      resolve(r);
    };
    const req = http.request({ agent, method, hostname: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || 80,
      path: url ? url.pathname + url.search : basePath + relPath, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => finish({ status: 0, err: e.code || e.message }));
    });
    req.setTimeout(opt.timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => finish({ status: 0, err: e.code || e.message }));
    if (payload) req.write(payload);
    req.end();
  });
}

// ---------------------------------------------------------------- resources
const HOUR = 3600000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pick = (a) => a[Math.floor(Math.random() * a.length)];
let serial = 0;
const nextId = (prefix) => `${opt.runId}-${prefix}${(serial++).toString(36)}`;

const patientBody = (id) => ({ resourceType: 'Patient', id, active: true, name: [{ family: 'Soak', given: [id] }],
  gender: 'female', birthDate: '1991-06-02' });

function conditionBody(subject) {
  const blocked = Math.random() < 0.5;
  const recorded = Date.now() - Math.floor(Math.random() * 40 * HOUR);
  return {
    resourceType: 'Condition',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: blocked
      ? { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'O92.79' }], text: 'Blocked milk duct, left breast' }
      : { coding: [{ system: 'http://snomed.info/sct', code: '1287638006' }, { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'O91.23' }],
        text: 'Lactational mastitis' },
    subject: { reference: subject },
    onsetDateTime: iso(recorded - 2 * HOUR),
    recordedDate: iso(recorded),
  };
}

const medicationRequestBody = (subject) => ({
  resourceType: 'MedicationRequest', status: 'active', intent: 'order',
  medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '309114' }],
    text: 'cephalexin 500 MG Oral Capsule' },
  subject: { reference: subject },
  authoredOn: iso(Date.now() - Math.floor(Math.random() * 30 * HOUR)),
});

// ---------------------------------------------------------------- state and statistics
const pool = [];           // Patient ids the writes go to
const conditions = [];     // ids of recent Conditions (ring of 500)

function newInterval() {
  return { latencies: [], errors: 0, errorsBy: {}, byOp: {} };
}
let current = newInterval();
const totals = { requests: 0, errors: 0, errorsBy: {}, byOp: {} };

function record(op, r, ok) {
  current.latencies.push(r.ms);
  const o = (current.byOp[op] ||= { n: 0, errors: 0 });
  o.n++;
  const t = (totals.byOp[op] ||= { n: 0, errors: 0, latencies: [] });
  t.n++;
  t.latencies.push(r.ms);
  totals.requests++;
  if (!ok) {
    const key = r.err ? r.err : String(r.status);
    current.errors++;
    o.errors++;
    t.errors++;
    totals.errors++;
    current.errorsBy[key] = (current.errorsBy[key] || 0) + 1;
    totals.errorsBy[key] = (totals.errorsBy[key] || 0) + 1;
    if (totals.errors <= 5) console.error(`  [${op}] -> ${key} ${r.body ? r.body.slice(0, 200).replace(/\s+/g, ' ') : ''}`);
  }
}

const idFromLocation = (r, type) => {
  const m = /\/([A-Za-z]+)\/([^/]+)\/_history\//.exec(r.headers?.location || r.headers?.['content-location'] || '');
  return m && m[1] === type ? m[2] : null;
};

async function putPatient(slot) {
  const id = nextId('p');
  const r = await request('PUT', `/Patient/${id}`, patientBody(id));
  const ok = r.status === 201 || r.status === 200;
  if (ok) {
    if (slot === undefined) pool.push(id);
    else pool[slot] = id;
  }
  return { r, ok };
}

const OPS = [
  [20, 'create-condition', async () => {
    const r = await request('POST', '/Condition', conditionBody(`Patient/${pick(pool)}`));
    const id = r.status === 201 ? idFromLocation(r, 'Condition') : null;
    if (id) { conditions.push(id); if (conditions.length > 500) conditions.shift(); }
    return { r, ok: !!id };
  }],
  [10, 'create-medicationrequest', async () => {
    const r = await request('POST', '/MedicationRequest', medicationRequestBody(`Patient/${pick(pool)}`));
    return { r, ok: r.status === 201 };
  }],
  [20, 'read-condition', async () => {
    const r = await request('GET', `/Condition/${pick(conditions)}`);
    return { r, ok: r.status === 200 };
  }],
  [15, 'search-condition', async () => {
    const r = await request('GET', `/Condition?subject=Patient/${pick(pool)}&_count=20`);
    return { r, ok: r.status === 200 && r.body.includes('"searchset"') };
  }],
  [15, 'read-careplan', async () => {
    const r = await request('GET', `/CarePlan/careplan-${pick(conditions)}`);
    return { r, ok: r.status === 200 && r.body.includes('"CarePlan"') };
  }],
  [10, 'search-careplan', async () => {
    const r = await request('GET', `/CarePlan?patient=Patient/${pick(pool)}`);
    return { r, ok: r.status === 200 && r.body.includes('"searchset"') };
  }],
  [5, 'search-medicationrequest', async () => {
    const r = await request('GET', `/MedicationRequest?subject=Patient/${pick(pool)}&_count=20`);
    return { r, ok: r.status === 200 };
  }],
  [5, 'put-patient', async () => putPatient(Math.floor(Math.random() * pool.length))],
];
const WEIGHT = OPS.reduce((n, [w]) => n + w, 0);

function chooseOp() {
  let x = Math.random() * WEIGHT;
  for (const op of OPS) { x -= op[0]; if (x < 0) return op; }
  return OPS[0];
}

// ---------------------------------------------------------------- server probes
function procStatusKiB(field) {
  if (!opt.pid) return null;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${opt.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}
const rssKiB = () => procStatusKiB('VmRSS');
function serverTicks() {
  if (!opt.pid) return null;
  try {
    const f = readFileSync(`/proc/${opt.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14 and 15)
  } catch { return null; }
}
function busyTicks() { // the whole machine: user nice system irq softirq steal
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
}
const clientMicros = () => { const u = process.cpuUsage(); return u.user + u.system; };

// Prometheus text of Quarkus/Micrometer: heap pools, GC pauses by action, the old generation after the last
// full collection (jvm_gc_live_data_size_bytes, 0 until one ran).
async function metrics() {
  if (!metricsUrl) return {};
  const r = await request('GET', '', undefined, metricsUrl);
  if (r.status !== 200) return {};
  const m = { heapUsed: 0, oldUsed: null, minorCount: 0, minorSeconds: 0, majorCount: 0, majorSeconds: 0, liveData: null };
  for (const line of r.body.split('\n')) {
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    const major = line.includes('major GC');
    if (line.startsWith('jvm_memory_used_bytes{') && line.includes('area="heap"')) {
      m.heapUsed += v;
      if (/id="[^"]*(Old|Tenured)[^"]*"/.test(line)) m.oldUsed = (m.oldUsed || 0) + v;
    } else if (line.startsWith('jvm_gc_pause_seconds_count{')) m[major ? 'majorCount' : 'minorCount'] += v;
    else if (line.startsWith('jvm_gc_pause_seconds_sum{')) m[major ? 'majorSeconds' : 'minorSeconds'] += v;
    else if (line.startsWith('jvm_gc_live_data_size_bytes ')) m.liveData = v > 0 ? v : null;
  }
  return m;
}

// ---------------------------------------------------------------- run
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : null);
const r1 = (x) => (x == null || Number.isNaN(x) ? null : Math.round(x * 10) / 10);
const mb = (bytes) => (bytes == null ? null : r1(bytes / 1048576));
const delta = (a, b, scale = 1) => (a == null || b == null ? null : Math.round((a - b) * scale));

async function main() {
  mkdirSync(opt.out, { recursive: true });
  for (let i = 0; i < opt.pool; i++) {
    const { r, ok } = await putPatient();
    if (!ok) { console.error(`setup: PUT Patient answered ${r.status || r.err}`); process.exit(1); }
  }
  for (let i = 0; i < Math.min(opt.pool, 20); i++) {
    const r = await request('POST', '/Condition', conditionBody(`Patient/${pool[i]}`));
    const id = idFromLocation(r, 'Condition');
    if (!id) { console.error(`setup: POST Condition answered ${r.status || r.err}`); process.exit(1); }
    conditions.push(id);
  }
  const started = Date.now();
  const end = started + opt.minutes * 60000;
  const samples = [];
  const startRss = rssKiB();
  const startMetrics = await metrics();
  let last = { t: started, server: serverTicks(), busy: busyTicks(), client: clientMicros(), m: startMetrics };
  console.error(`soak: ${opt.minutes} min, ${opt.interval} s intervals, concurrency ${opt.concurrency}, pool ${opt.pool} patients,`
    + ` RSS at start ${startRss ? Math.round(startRss / 1024) + ' MB' : 'n/a'}`);

  let stop = false;
  async function worker() {
    while (!stop) {
      const [, name, run] = chooseOp();
      const { r, ok } = await run();
      record(name, r, ok);
    }
  }
  async function sampler() {
    let k = 0;
    while (!stop) {
      const due = started + (k + 1) * opt.interval * 1000;
      const wait = Math.min(due, end) - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      const t = Date.now();
      const iv = current;
      current = newInterval();
      if (t >= end) stop = true;
      const seconds = (t - last.t) / 1000;
      const sorted = iv.latencies.sort((a, b) => a - b);
      const now = { t, server: serverTicks(), busy: busyTicks(), client: clientMicros(), m: await metrics() };
      const mt = now.m;
      const serverCpu = now.server != null && last.server != null ? (now.server - last.server) / opt.clkTck : null;
      const clientCpu = (now.client - last.client) / 1e6;
      const busyCpu = (now.busy - last.busy) / opt.clkTck;
      const sample = {
        interval: ++k, endS: r1((t - started) / 1000), requests: sorted.length, rps: r1(sorted.length / seconds),
        errors: iv.errors, errorsBy: iv.errorsBy,
        p50: r1(pct(sorted, 50)), p99: r1(pct(sorted, 99)), max: r1(sorted.length ? sorted[sorted.length - 1] : null),
        rssMB: mb(rssKiB() == null ? null : rssKiB() * 1024), heapMB: mb(mt.heapUsed), oldMB: mb(mt.oldUsed),
        liveAfterFullGcMB: mb(mt.liveData),
        minorGcs: delta(mt.minorCount, last.m.minorCount), minorGcMs: delta(mt.minorSeconds, last.m.minorSeconds, 1000),
        fullGcs: delta(mt.majorCount, last.m.majorCount), fullGcMs: delta(mt.majorSeconds, last.m.majorSeconds, 1000),
        serverCpuPct: serverCpu == null ? null : r1((serverCpu / seconds) * 100),
        clientCpuPct: r1((clientCpu / seconds) * 100),
        // everything else on the machine: noise on a shared machine (100% = one core)
        otherCpuPct: serverCpu == null ? null : r1((Math.max(0, busyCpu - serverCpu - clientCpu) / seconds) * 100),
      };
      last = now;
      samples.push(sample);
      console.error(`  ${String(sample.endS).padStart(6)} s  ${String(sample.rps).padStart(6)} req/s  p50 ${sample.p50}`
        + ` p99 ${sample.p99} ms  errors ${sample.errors}  RSS ${sample.rssMB} MB  heap ${sample.heapMB} MB`
        + ` (after full GC ${sample.liveAfterFullGcMB})  full GCs ${sample.fullGcs}  server CPU ${sample.serverCpuPct}%`
        + `  others ${sample.otherCpuPct}%`);
      if (opt.pid && rssKiB() == null) { console.error('soak: the server process is gone'); stop = true; totals.serverGone = true; }
    }
  }
  await Promise.all([sampler(), ...Array.from({ length: opt.concurrency }, worker)]);
  agent.destroy();
  const peak = procStatusKiB('VmHWM');
  const report = summarize(samples, startRss, startMetrics, started);
  report.drift.rssPeakMB = peak ? r1(peak / 1024) : null;
  writeFileSync(path.join(opt.out, 'soak.json'), JSON.stringify(report, null, 2) + '\n');
  const md = markdown(report);
  writeFileSync(path.join(opt.out, 'soak.md'), md);
  process.stdout.write(md);
  process.exitCode = report.verdict.pass ? 0 : 1;
}

function slope(points) { // least squares, y per x
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? null : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}

function summarize(samples, startRss, startMetrics, started) {
  const first = samples[0];
  const last = samples[samples.length - 1];
  const change = (a, b) => (a && b != null ? r1(((b - a) / a) * 100) : null);
  const r2 = (x) => (x == null ? null : Math.round(x * 100) / 100);
  const secondHalf = samples.filter((s) => s.endS > last.endS / 2);
  // A slope from fewer than 4 samples says more about warm-up than about a leak: not judged.
  const slopeOf = (field) => {
    const points = secondHalf.filter((s) => s[field] != null).map((s) => [s.endS / 60, s[field]]);
    return points.length < 4 ? null : r2(slope(points));
  };
  const live = samples.filter((s) => s.liveAfterFullGcMB != null);
  const byOp = Object.entries(totals.byOp).map(([op, t]) => {
    const sorted = t.latencies.sort((a, b) => a - b);
    return { op, requests: t.n, errors: t.errors, p50: r1(pct(sorted, 50)), p99: r1(pct(sorted, 99)), max: r1(sorted[sorted.length - 1]) };
  });
  const drift = {
    p50First: first.p50, p50Last: last.p50, p50ChangePct: change(first.p50, last.p50),
    p99First: first.p99, p99Last: last.p99, p99ChangePct: change(first.p99, last.p99),
    rpsFirst: first.rps, rpsLast: last.rps,
    rssBeforeLoadMB: startRss ? r1(startRss / 1024) : null, rssFirstMB: first.rssMB, rssLastMB: last.rssMB,
    rssChangeMB: first.rssMB != null && last.rssMB != null ? r1(last.rssMB - first.rssMB) : null,
    rssSlopeSecondHalfMBPerMin: slopeOf('rssMB'),
    heapBeforeLoadMB: mb(startMetrics.heapUsed),
    liveFirstMB: live.length ? live[0].liveAfterFullGcMB : null, liveLastMB: live.length ? live[live.length - 1].liveAfterFullGcMB : null,
    liveSlopeSecondHalfMBPerMin: slopeOf('liveAfterFullGcMB'),
    fullGcsFirst: first.fullGcs, fullGcsLast: last.fullGcs, gcMsFirst: (first.minorGcMs ?? 0) + (first.fullGcMs ?? 0),
    gcMsLast: (last.minorGcMs ?? 0) + (last.fullGcMs ?? 0),
    otherCpuPctMean: r1(samples.reduce((n, s) => n + (s.otherCpuPct ?? 0), 0) / samples.length),
  };
  const latencyOk = (drift.p50ChangePct ?? 0) <= opt.maxP50Drift && (drift.p99ChangePct ?? 0) <= opt.maxP99Drift;
  const memoryOk = (drift.rssSlopeSecondHalfMBPerMin ?? 0) <= opt.maxMemorySlope
    && (drift.liveSlopeSecondHalfMBPerMin ?? 0) <= opt.maxMemorySlope;
  const memoryJudged = drift.rssSlopeSecondHalfMBPerMin != null;
  const errorsOk = totals.errors === 0 && !totals.serverGone;
  const pass = errorsOk && latencyOk && memoryOk;
  const verdict = {
    pass, errorsOk, latencyOk, memoryOk,
    line: `soak: ${pass ? 'PASS' : 'FAIL'} errors=${totals.errors}${totals.serverGone ? ' (server gone)' : ''}`
      + ` latency-drift p50 ${fmtPct(drift.p50ChangePct)} p99 ${fmtPct(drift.p99ChangePct)} (${latencyOk ? 'ok <=' : 'over'}`
      + ` ${opt.maxP50Drift}%/${opt.maxP99Drift}%) memory-drift RSS ${fmtSigned(drift.rssChangeMB)} MB,`
      + ` second-half slope RSS ${fmtSigned(drift.rssSlopeSecondHalfMBPerMin)} MB/min, heap after full GC`
      + ` ${fmtSigned(drift.liveSlopeSecondHalfMBPerMin)} MB/min (${!memoryJudged ? 'not judged: fewer than 4 samples in the'
      + ' second half' : memoryOk ? `ok <= ${opt.maxMemorySlope}` : `over ${opt.maxMemorySlope}`})`,
  };
  return { tool: 'soak.mjs', runId: opt.runId, target: baseUrl.href, started: new Date(started).toISOString(),
    options: { minutes: opt.minutes, interval: opt.interval, concurrency: opt.concurrency, pool: opt.pool,
      maxP50Drift: opt.maxP50Drift, maxP99Drift: opt.maxP99Drift, maxMemorySlope: opt.maxMemorySlope },
    requests: totals.requests, errors: totals.errors, errorsBy: totals.errorsBy, byOp, samples, drift, verdict };
}

const fmtSigned = (x) => (x == null ? 'n/a' : (x > 0 ? '+' : '') + x);
const fmtPct = (x) => (x == null ? 'n/a' : `${fmtSigned(x)}%`);

function markdown(rep) {
  const metaFile = path.join(opt.out, 'meta.json');
  const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : null;
  const v = (x) => (x == null ? 'n/a' : x);
  const L = [];
  L.push(`# DuctCare soak ${meta && meta.label ? `(${meta.label}) ` : ''}${rep.started}`);
  L.push('');
  if (meta) {
    L.push(`Command: \`${meta.command}\`  `);
    L.push(`Commit: ${meta.commit}  `);
    L.push(`Machine: ${meta.machine.cpus} CPUs (${meta.machine.cpuModel}), ${meta.machine.memory}, ${meta.machine.os}; ${meta.machine.java}; node ${meta.machine.node}  `);
    L.push(`Server: \`java ${meta.javaOpts} -jar quarkus-run.jar\`, H2 file database in a fresh directory, validation on, defaults otherwise (security off: the load sends no tokens)  `);
    L.push(`Start-up: ready after ${(meta.readyMs / 1000).toFixed(2)} s, RSS ${Math.round(meta.rssAfterStartKiB / 1024)} MB 2 s after ready  `);
  }
  L.push(`Load: ${rep.options.minutes} min, concurrency ${rep.options.concurrency} (closed loop), ${rep.options.pool} patients at a time;`
    + ` ${rep.requests} requests, ${rep.errors} errors${rep.errors ? ' ' + JSON.stringify(rep.errorsBy) : ''}.`
    + ` Other processes took ${rep.drift.otherCpuPctMean}% of a core on average (noise).`);
  L.push('');
  L.push(`**${rep.verdict.line}**`);
  L.push('');
  L.push('| end s | requests | req/s | p50 ms | p99 ms | max ms | errors | RSS MB | heap used MB | heap after full GC MB | minor GCs (ms) | full GCs (ms) | server CPU % | others CPU % |');
  L.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of rep.samples) {
    L.push(`| ${s.endS} | ${s.requests} | ${s.rps} | ${v(s.p50)} | ${v(s.p99)} | ${v(s.max)} | ${s.errors} | ${v(s.rssMB)} | ${v(s.heapMB)}`
      + ` | ${v(s.liveAfterFullGcMB)} | ${v(s.minorGcs)} (${v(s.minorGcMs)}) | ${v(s.fullGcs)} (${v(s.fullGcMs)}) | ${v(s.serverCpuPct)} | ${v(s.otherCpuPct)} |`);
  }
  const d = rep.drift;
  L.push('');
  L.push('| drift | first interval | last interval | change | second-half slope |');
  L.push('|---|---:|---:|---:|---:|');
  L.push(`| p50 latency ms | ${v(d.p50First)} | ${v(d.p50Last)} | ${fmtPct(d.p50ChangePct)} | |`);
  L.push(`| p99 latency ms | ${v(d.p99First)} | ${v(d.p99Last)} | ${fmtPct(d.p99ChangePct)} | |`);
  L.push(`| req/s | ${v(d.rpsFirst)} | ${v(d.rpsLast)} | | |`);
  L.push(`| RSS MB (before the load ${v(d.rssBeforeLoadMB)}, peak ${v(d.rssPeakMB)}) | ${v(d.rssFirstMB)} | ${v(d.rssLastMB)} | ${fmtSigned(d.rssChangeMB)} MB | ${fmtSigned(d.rssSlopeSecondHalfMBPerMin)} MB/min |`);
  L.push(`| heap after full GC MB (first and last seen) | ${v(d.liveFirstMB)} | ${v(d.liveLastMB)} | | ${fmtSigned(d.liveSlopeSecondHalfMBPerMin)} MB/min |`);
  L.push(`| full GCs / GC pause ms per interval | ${v(d.fullGcsFirst)} / ${v(d.gcMsFirst)} | ${v(d.fullGcsLast)} / ${v(d.gcMsLast)} | | |`);
  L.push('');
  L.push('| operation | requests | errors | p50 ms | p99 ms | max ms |');
  L.push('|---|---:|---:|---:|---:|---:|');
  for (const o of rep.byOp) L.push(`| ${o.op} | ${o.requests} | ${o.errors} | ${v(o.p50)} | ${v(o.p99)} | ${v(o.max)} |`);
  L.push('');
  return L.join('\n');
}

const hardStop = setTimeout(() => { console.error('soak: hard stop'); process.exit(3); }, (opt.minutes * 60 + 300) * 1000);
hardStop.unref();
main().catch((e) => { console.error(e); process.exitCode = 1; agent.destroy(); });
