/** A goal of the issue, and whether this run met it (a missed goal is a finding, not a failure of the script). */
export interface Goal {
  goal: string;
  met: boolean;
}

export interface ScenarioReport {
  scenario: string;
  /** What was run and against what, so the figures can be reproduced. */
  setup: Record<string, unknown>;
  baseline: Record<string, unknown>;
  ours: Record<string, unknown>;
  ratios: Record<string, number>;
  goals: Goal[];
  /** Human-readable lines, printed before the JSON line. */
  summary: string[];
}

/** A human-readable summary, then the whole report as one JSON line (for scripts and docs). */
export function printReport(report: ScenarioReport): void {
  const lines = [
    '',
    `── ${report.scenario} ──`,
    ...report.summary.map((line) => `  ${line}`),
    ...report.goals.map((g) => `  goal ${g.met ? 'met   ' : 'MISSED'}  ${g.goal}`),
  ];
  console.log(lines.join('\n'));
  console.log(JSON.stringify({ ...report, summary: undefined }));
}

/** Progress of a long step, on stderr so that stdout stays the summary and the JSON lines. */
export function note(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
