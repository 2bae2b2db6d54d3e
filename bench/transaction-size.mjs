// bench/transaction-size.mjs URL K [transaction|batch]: posts ONE Bundle of K x (Patient + Condition +
// MedicationRequest, joined by urn:uuid references; 3K entries, at most 1,000 accepted) with Prefer: return=minimal
// and prints the time per entry, to see whether a Bundle's cost grows faster than its size (bench/RESULTS.md,
// status section). Needs a server with security off (DUCTCARE_SECURITY_ENABLED=false).
import { randomUUID } from 'node:crypto';
const [url, K, type = 'transaction'] = [process.argv[2], +process.argv[3], process.argv[4]];
const now = Date.now(), HOUR = 3600e3, iso = (t) => new Date(t).toISOString();
const run = randomUUID().slice(0, 8);
const entry = [];
for (let i = 0; i < K; i++) {
  const p = `urn:uuid:${randomUUID()}`, c = `urn:uuid:${randomUUID()}`, m = `urn:uuid:${randomUUID()}`;
  entry.push({ fullUrl: p, request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient',
    identifier: [{ system: 'urn:x-big', value: `${run}-${i}` }], name: [{ family: 'Big', given: ['T' + i] }], gender: 'female' } });
  entry.push({ fullUrl: c, request: { method: 'POST', url: 'Condition' }, resource: { resourceType: 'Condition',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '1287638006', display: 'Puerperal mastitis' }] },
    subject: { reference: p }, onsetDateTime: iso(now - 8 * HOUR), recordedDate: iso(now - 6 * HOUR) } });
  entry.push({ fullUrl: m, request: { method: 'POST', url: 'MedicationRequest' }, resource: { resourceType: 'MedicationRequest',
    status: 'active', intent: 'order',
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '309114', display: 'cephalexin 500 MG Oral Capsule' }] },
    subject: { reference: p }, authoredOn: iso(now - 30 * HOUR), reasonReference: [{ reference: c }] } });
}
const body = JSON.stringify({ resourceType: 'Bundle', type, entry });
const t0 = performance.now();
const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal' }, body });
const txt = await r.text();
const ms = performance.now() - t0;
console.log(`${type} K=${K} entries=${entry.length} status=${r.status} ${ms.toFixed(0)} ms  ${(ms / entry.length).toFixed(2)} ms/entry`);
if (r.status >= 300) console.log(txt.slice(0, 500));
