#!/usr/bin/env node
// extra-load.mjs - the DuctCare-specific phases of the benchmark, run after ../shared/bench/fhir-load.mjs
// against the same server and the same --run-id (so the Patients it created exist and have Conditions).
//
// Zero dependencies: Node.js >= 18 (node:http). Loopback targets only, every count capped, every request
// has a timeout and the run has a deadline, as in fhir-load.mjs.
//
//   node bench/extra-load.mjs <fhir-base-url> --run-id ID [options]
//
// Phases (each at --concurrency in-flight requests):
//   careplan-search  GET  [base]/CarePlan?patient=Patient/<runId>-pNNNN     x --patients
//   generate         POST [base]/CarePlan/$generate  (Parameters: condition + medicationRequest resources)
//                                                                           x --generates
//   transaction      POST [base]  (Bundle type transaction: Patient + Condition + MedicationRequest joined by
//                    urn:uuid references)                                   x --transactions
//   everything       GET  [base]/Patient/<runId>-pNNNN/$everything?_count=100 (her whole record, as a midwife
//                    portal fetches it)                                     x --patients
// A phase whose endpoint the server does not have (first request answers 404, 405 or 501) is reported as
// "skipped: not available" and is not an error, so the benchmark runs before and after those features land.

import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const LIMITS = { patients: 5000, generates: 20000, transactions: 20000, concurrency: 256 };

function usage(msg) {
  if (msg) console.error(`error: ${msg}\n`);
  console.error(`usage: node extra-load.mjs <fhir-base-url> --run-id ID [options]

options (defaults in brackets):
  --run-id S          id prefix used by fhir-load.mjs for the Patients (required)
  --patients N        patients to fetch CarePlans for                [100]
  --generates N       $generate calls                                [200]
  --transactions N    transaction Bundles (one new patient each)     [200]
  --concurrency N     in-flight requests per phase                   [16]
  --timeout-ms N      per-request timeout                            [30000]
  --max-seconds N     deadline for the whole run                     [600]
  --json FILE         also write the results as JSON to FILE
limits: patients <= 5000, generates/transactions <= 20000, concurrency <= 256; loopback targets only.`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { patients: 100, generates: 200, transactions: 200, concurrency: 16, timeoutMs: 30000,
    maxSeconds: 600, runId: null, json: null, base: null };
  const intOpt = { '--patients': 'patients', '--generates': 'generates', '--transactions': 'transactions',
    '--concurrency': 'concurrency', '--timeout-ms': 'timeoutMs', '--max-seconds': 'maxSeconds' };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => (v !== undefined ? v : argv[++i]);
    if (a === '-h' || a === '--help') usage();
    else if (intOpt[a]) {
      const n = Number(next());
      if (!Number.isInteger(n) || n < 0) usage(`${a} needs a non-negative integer`);
      o[intOpt[a]] = n;
    } else if (a === '--run-id') o.runId = String(next());
    else if (a === '--json') o.json = String(next());
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (!o.base) o.base = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!o.base) usage('missing FHIR base URL');
  if (!o.runId || !/^[A-Za-z][A-Za-z0-9]{0,30}$/.test(o.runId)) usage('--run-id: a letter then letters/digits');
  for (const k of Object.keys(LIMITS)) if (o[k] > LIMITS[k]) usage(`--${k} is capped at ${LIMITS[k]}`);
  if (o.concurrency < 1) usage('--concurrency must be >= 1');
  if (o.maxSeconds < 1 || o.maxSeconds > 7200) usage('--max-seconds must be 1..7200');
  if (o.timeoutMs < 100 || o.timeoutMs > 600000) usage('--timeout-ms must be 100..600000');
  return o;
}

const opt = parseArgs(process.argv.slice(2));
let baseUrl;
try { baseUrl = new URL(opt.base.replace(/\/+$/, '')); } catch { usage(`not a URL: ${opt.base}`); }
if (baseUrl.protocol !== 'http:') usage('only plain http:// loopback targets are supported');
{
  const h = baseUrl.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!(h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h))) {
    usage(`refusing non-loopback target host "${baseUrl.hostname}"`);
  }
}
const basePath = baseUrl.pathname.replace(/\/+$/, '');
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.concurrency, maxFreeSockets: opt.concurrency });
const deadline = Date.now() + opt.maxSeconds * 1000;
let deadlineHit = false;

function request(method, relPath, body) {
  return new Promise((resolve) => {
    if (Date.now() > deadline) { deadlineHit = true; resolve({ status: 0, err: 'deadline', ms: 0 }); return; }
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { Accept: 'application/fhir+json' };
    if (payload) { headers['Content-Type'] = 'application/fhir+json'; headers['Content-Length'] = payload.length; }
    const t0 = process.hrtime.bigint();
    let done = false;
    const finish = (r) => {
      if (done) return;
      done = true;
      r.ms = Number(process.hrtime.bigint() - t0) / 1e6;
      resolve(r);
    };
    const req = http.request({ agent, method, hostname: baseUrl.hostname.replace(/^\[|\]$/g, ''),
      port: baseUrl.port || 80, path: basePath + relPath, headers }, (res) => {
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

const NOT_AVAILABLE = [404, 405, 501];

// Sends request 0 alone: a 404/405/501 there means the server has no such endpoint (phase skipped); for a
// search, a 400 on the first request means the server does not know the search parameter yet.
async function runPhase(name, n, okStatuses, makeRequest, check, isSearch = false) {
  if (n === 0) return { phase: name, skipped: 'count 0' };
  const probe = await makeRequest(0);
  if (NOT_AVAILABLE.includes(probe.status) || (isSearch && probe.status === 400)) {
    console.error(`  ${name}: skipped: not available (HTTP ${probe.status})`);
    return { phase: name, skipped: `not available (HTTP ${probe.status})` };
  }
  const lat = new Float64Array(n);
  let next = 0, errors = 0;
  const errorsBy = {};
  const record = (i, r) => {
    lat[i] = r.ms;
    const ok = okStatuses.includes(r.status) && (!check || check(i, r) !== false);
    if (!ok) {
      errors++;
      const key = r.err ? r.err : String(r.status);
      errorsBy[key] = (errorsBy[key] || 0) + 1;
      if (errors <= 3) console.error(`  [${name}] #${i} -> ${key} ${r.body ? r.body.slice(0, 300).replace(/\s+/g, ' ') : ''}`);
    }
  };
  record(0, probe);
  next = 1;
  const t0 = process.hrtime.bigint();
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      record(i, await makeRequest(i));
    }
  }
  await Promise.all(Array.from({ length: Math.min(opt.concurrency, n) }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const timed = n - 1; // the probe ran alone and is not in the rate
  const sorted = Array.from(lat).sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  const st = {
    phase: name, requests: n, errors, errorsBy, seconds: +seconds.toFixed(3),
    rps: timed > 0 && seconds > 0 ? +(timed / seconds).toFixed(1) : 0,
    p50_ms: +pct(50).toFixed(2), p95_ms: +pct(95).toFixed(2), p99_ms: +pct(99).toFixed(2),
    max_ms: +sorted[n - 1].toFixed(2), mean_ms: +(sorted.reduce((a, b) => a + b, 0) / n).toFixed(2),
  };
  console.error(`  ${name}: ${n} req in ${st.seconds}s -> ${st.rps} req/s, p50 ${st.p50_ms} p95 ${st.p95_ms} p99 ${st.p99_ms} ms, errors ${errors}`);
  return st;
}

// ---------------------------------------------------------------- resources
const pad = (n, w) => String(n).padStart(w, '0');
const patientRef = (p) => `Patient/${opt.runId}-p${pad(p % 10000, 4)}`;
const HOUR = 3600000;
// Recent times, so the protocol's 48-hour window is open: diagnosed 6 h ago, antibiotic started 30 h ago.
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const now = Date.now();

function condition(i, subject) {
  const left = i % 2 === 0;
  return {
    resourceType: 'Condition',
    identifier: [{ system: 'urn:x-ductcare-bench:condition', value: `${opt.runId}-xc${pad(i, 6)}` }],
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
    code: { coding: [
      { system: 'http://snomed.info/sct', code: '1287638006', display: 'Puerperal mastitis' },
      { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'O91.23', display: 'Nonpurulent mastitis associated with lactation' },
    ], text: 'Lactational mastitis following a blocked milk duct' },
    bodySite: [{ coding: [left
      ? { system: 'http://snomed.info/sct', code: '80248007', display: 'Left breast structure' }
      : { system: 'http://snomed.info/sct', code: '73056007', display: 'Right breast structure' }] }],
    subject: { reference: subject },
    onsetDateTime: iso(now - 8 * HOUR),
    recordedDate: iso(now - 6 * HOUR),
  };
}

function medicationRequest(i, subject, reason) {
  return {
    resourceType: 'MedicationRequest',
    identifier: [{ system: 'urn:x-ductcare-bench:medicationrequest', value: `${opt.runId}-xm${pad(i, 6)}` }],
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '309114', display: 'cephalexin 500 MG Oral Capsule' }] },
    subject: { reference: subject },
    authoredOn: iso(now - 30 * HOUR),
    reasonReference: reason ? [{ reference: reason }] : undefined,
    dosageInstruction: [{ text: 'Take 1 capsule (500 mg) by mouth every 6 hours for 10 days.',
      timing: { repeat: { frequency: 1, period: 6, periodUnit: 'h' } } }],
  };
}

function patient(i) {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:x-ductcare-bench:patient', value: `${opt.runId}-xp${pad(i, 6)}` }],
    active: true,
    name: [{ family: 'Benchmark', given: [`Transaction${pad(i, 6)}`] }],
    gender: 'female',
    birthDate: '1990-04-12',
  };
}

function generateParameters(i) {
  const subject = patientRef(i % opt.patients);
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'condition', resource: condition(i, subject) },
      { name: 'medicationRequest', resource: medicationRequest(i, subject) },
    ],
  };
}

function transactionBundle(i) {
  const p = `urn:uuid:${randomUUID()}`, c = `urn:uuid:${randomUUID()}`, m = `urn:uuid:${randomUUID()}`;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: p, resource: patient(i), request: { method: 'POST', url: 'Patient' } },
      { fullUrl: c, resource: condition(i, p), request: { method: 'POST', url: 'Condition' } },
      { fullUrl: m, resource: medicationRequest(i, p, c), request: { method: 'POST', url: 'MedicationRequest' } },
    ],
  };
}

const parse = (r) => { try { return JSON.parse(r.body); } catch { return null; } };

async function main() {
  const phases = [];
  let carePlansSeen = 0;
  phases.push(await runPhase('careplan-search', opt.patients, [200],
    (i) => request('GET', `/CarePlan?patient=${encodeURIComponent(patientRef(i))}`),
    (i, r) => {
      const b = parse(r);
      if (!b || b.resourceType !== 'Bundle' || b.type !== 'searchset') return false;
      carePlansSeen += (b.entry || []).filter((e) => e.resource && e.resource.resourceType === 'CarePlan').length;
      return true;
    }, true));
  phases.push(await runPhase('generate', opt.generates, [200, 201],
    (i) => request('POST', '/CarePlan/$generate', generateParameters(i)),
    (i, r) => { const b = parse(r); return !!b && b.resourceType === 'CarePlan'; }));
  phases.push(await runPhase('transaction', opt.transactions, [200],
    (i) => request('POST', '', transactionBundle(i)),
    (i, r) => {
      const b = parse(r);
      return !!b && b.resourceType === 'Bundle' && b.type === 'transaction-response' && (b.entry || []).length === 3;
    }));
  let everythingSeen = 0;
  phases.push(await runPhase('everything', opt.patients, [200],
    (i) => request('GET', `/${patientRef(i)}/$everything?_count=100`),
    (i, r) => {
      const b = parse(r);
      if (!b || b.resourceType !== 'Bundle' || b.type !== 'searchset') return false;
      everythingSeen += (b.entry || []).length;
      return true;
    }));
  agent.destroy();
  const report = { tool: 'extra-load.mjs', runId: opt.runId, target: baseUrl.href,
    options: { patients: opt.patients, generates: opt.generates, transactions: opt.transactions, concurrency: opt.concurrency },
    phases, carePlanSearchMeanEntries: opt.patients ? +(carePlansSeen / opt.patients).toFixed(2) : 0,
    everythingMeanEntries: opt.patients ? +(everythingSeen / opt.patients).toFixed(2) : 0, deadlineHit };
  for (const p of phases) {
    console.log(p.skipped ? `${p.phase}: skipped: ${p.skipped}`
      : `${p.phase}: ${p.requests} req, ${p.rps} req/s, p50 ${p.p50_ms} p95 ${p.p95_ms} p99 ${p.p99_ms} ms, errors ${p.errors}`);
  }
  if (opt.json) writeFileSync(opt.json, JSON.stringify(report, null, 2) + '\n');
  if (phases.some((p) => p.errors > 0) || deadlineHit) process.exitCode = 1;
}

const hardStop = setTimeout(() => { console.error(`hard stop after ${opt.maxSeconds + 60}s`); process.exit(3); }, (opt.maxSeconds + 60) * 1000);
hardStop.unref();
main().catch((e) => { console.error(e); process.exitCode = 1; agent.destroy(); });
