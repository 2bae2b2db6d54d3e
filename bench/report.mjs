#!/usr/bin/env node
// report.mjs - joins what bench/run measured into one JSON and one Markdown file.
//   node bench/report.mjs <run-dir>
// Reads <run-dir>/meta.json (written by bench/run), fhir-load.json and extra-load.json when present; writes
// <run-dir>/results.json and results.md and prints the Markdown.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) { console.error('usage: node report.mjs <run-dir>'); process.exit(2); }
const read = (f) => (existsSync(path.join(dir, f)) ? JSON.parse(readFileSync(path.join(dir, f), 'utf8')) : null);
const meta = read('meta.json');
const load = read('fhir-load.json');
const extra = read('extra-load.json');

const phases = [];
if (load) {
  if (load.setup) phases.push({ ...load.setup, source: 'fhir-load' });
  for (const p of load.phases) {
    if (p.phase === 'search-condition' && meta.searchSkipped) phases.push({ phase: p.phase, skipped: meta.searchSkipped });
    else phases.push({ ...p, source: 'fhir-load' });
  }
} else {
  phases.push({ phase: 'standard phases (fhir-load.mjs)', skipped: meta.fhirLoadMissing ? 'fhir-load.mjs not found' : 'did not finish' });
}
if (extra) for (const p of extra.phases) phases.push({ ...p, source: 'extra-load' });

const results = { ...meta, phases, searchMeanEntries: load ? load.searchMeanEntries : null,
  carePlanSearchMeanEntries: extra ? extra.carePlanSearchMeanEntries : null };
results.errors = phases.reduce((n, p) => n + (p.errors || 0), 0);
writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');

const mb = (kib) => (kib ? `${Math.round(kib / 1024)} MB` : 'n/a');
const s = (ms) => (ms == null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const lines = [];
lines.push(`# DuctCare benchmark ${meta.label ? `(${meta.label}) ` : ''}${meta.started}`);
lines.push('');
lines.push(`Command: \`${meta.command}\`  `);
lines.push(`Commit: ${meta.commit}  `);
lines.push(`Machine: ${meta.machine.cpus} CPUs (${meta.machine.cpuModel}), ${meta.machine.memory}, ${meta.machine.os}; ${meta.machine.java}; node ${meta.machine.node}  `);
lines.push(`Load average before / after: ${meta.loadBefore} / ${meta.loadAfter}  `);
lines.push(`Server: \`java ${meta.javaOpts} -jar quarkus-run.jar\`, H2 file database in a fresh directory, validation on, defaults otherwise`);
lines.push('');
lines.push('| start-up | value |');
lines.push('|---|---|');
lines.push(`| launch to first 200 on /fhir/metadata | ${s(meta.metadataMs)} |`);
lines.push(`| launch to /q/health/ready UP (validator warm) | ${s(meta.readyMs)} |`);
lines.push(`| RSS after start (ready + 2 s) | ${mb(meta.rssAfterStartKiB)} |`);
lines.push(`| RSS after load (end + 2 s) / peak (VmHWM) | ${mb(meta.rssAfterLoadKiB)} / ${mb(meta.rssPeakKiB)} |`);
lines.push(`| server CPU during the load / wall of the load | ${meta.serverCpuS ?? 'n/a'} s / ${meta.loadWallS ?? 'n/a'} s |`);
lines.push(`| CPU of other processes during the load (noise) | ${meta.foreignCpuS ?? 'n/a'} s |`);
lines.push('');
lines.push(`Concurrency ${meta.concurrency}.${meta.loadOpts && meta.loadOpts.trim() ? ` Load options: \`${meta.loadOpts.trim()}\`.` : ''}`);
lines.push('');
lines.push('| phase | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |');
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const p of phases) {
  if (p.skipped) lines.push(`| ${p.phase} | skipped: ${p.skipped} | | | | | | |`);
  else lines.push(`| ${p.phase} | ${p.requests} | ${p.errors} | ${p.rps} | ${p.p50_ms} | ${p.p95_ms} | ${p.p99_ms} | ${p.max_ms} |`);
}
lines.push('');
if (load) lines.push(`Condition search: mean ${load.searchMeanEntries} Conditions per page.`);
if (extra) lines.push(`CarePlan search: mean ${extra.carePlanSearchMeanEntries} CarePlans per page.`);
if (extra && extra.everythingMeanEntries !== undefined) {
  lines.push(`Patient/$everything: mean ${extra.everythingMeanEntries} entries per first page (_count=100).`);
}
const md = lines.join('\n') + '\n';
writeFileSync(path.join(dir, 'results.md'), md);
process.stdout.write(md);
