/**
 * The fault suite's report: every case records what it set up, what it demanded and what it
 * measured; docs/reliability.md is rewritten from the recorded rows after each case, so the
 * committed page is always the suite's last run. Rows are kept in docs/reliability.json
 * (one per case id) so that running one file updates its rows and keeps the others.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/app.js';

export interface FaultCase {
  /** The case number, e.g. '4' or '13b'; rows are sorted by it. */
  id: string;
  /** Short name of the case, e.g. 'Drip collector (1 byte/s)'. */
  title: string;
  /** What the case starts: app, receiver fault mode, load. */
  setup: string;
  /** The pass criterion, with its numbers. */
  criterion: string;
  /** What this run measured, with units. */
  measured: string;
  passed: boolean;
  /** Where stock OpenTelemetry JS stands on the same case, if measured. */
  upstream?: string;
}

const jsonPath = join(repoRoot, 'docs', 'reliability.json');
const markdownPath = join(repoRoot, 'docs', 'reliability.md');

function readRows(): Record<string, FaultCase & { ranAt: string }> {
  try {
    return JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, FaultCase & { ranAt: string }>;
  } catch {
    return {};
  }
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const byCaseId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Records one case's result and rewrites docs/reliability.md. Call it before asserting, so failures are reported too. */
export function recordCase(result: FaultCase): void {
  const rows = readRows();
  rows[result.id] = { ...result, ranAt: new Date().toISOString() };
  const sorted = Object.fromEntries(Object.entries(rows).sort(([a], [b]) => byCaseId(a, b)));
  writeAtomically(jsonPath, `${JSON.stringify(sorted, null, 2)}\n`);
  const lines = [
    '# Reliability: the fault suite\'s last run',
    '',
    'Written by `npm run test:faults` (also part of `npm test` and CI): each case starts real apps under',
    '`--import beacon-otel/register` against OTLP receivers with a fault mode and measures what the issue',
    'demands. Do not edit by hand; rows come from `docs/reliability.json`.',
    '',
    `Node.js ${process.version}, ${process.platform}/${process.arch}.`,
    '',
    '| case | setup | criterion | measured | result | stock OpenTelemetry JS |',
    '|---|---|---|---|---|---|',
    // Sorted here, not by the object: integer-like keys ('6') always enumerate before others ('7a').
    ...Object.values(sorted).sort((a, b) => byCaseId(a.id, b.id)).map(
      (row) =>
        `| ${row.id}. ${cell(row.title)} | ${cell(row.setup)} | ${cell(row.criterion)} | ${cell(row.measured)} | ${row.passed ? 'pass' : '**FAIL**'} | ${cell(row.upstream ?? '')} |`,
    ),
    '',
  ];
  writeAtomically(markdownPath, lines.join('\n'));
}
