import fs from 'node:fs';
import path from 'node:path';
import { readYaml } from '../support/yaml';

const ROOT = path.resolve(__dirname, '../..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  services?: Record<string, { image: string }>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = (file: string) => readYaml<Workflow>(path.join(ROOT, '.github/workflows', file));
const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');
const uses = (job: Job) => job.steps.flatMap((step) => (step.uses ? [step.uses] : []));

describe('CI workflow (.github/workflows/ci.yml)', () => {
  const ci = workflow('ci.yml');

  it('runs on pushes to main and on pull requests, reading the repository only', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('gives the tests MariaDB and Redis as service containers and starts Mosquitto', () => {
    const { test } = ci.jobs;
    expect(Object.values(test.services ?? {}).map((s) => s.image.split(':')[0]).sort()).toEqual(['mariadb', 'redis']);
    expect(runs(test)).toMatch(/eclipse-mosquitto:[\d.]+ mosquitto -c \/mosquitto-no-auth\.conf/);
  });

  it.each([
    ['the typecheck', /npx tsc --noEmit -p \./],
    ['the tests', /npm test/],
    ['the compose validation', /bash ops\/scripts\/validate-compose\.sh/],
    ['the alert-rule checks', /promtool check rules ops\/prometheus\/alerts\.yml/],
    ['the alert-rule unit tests', /promtool test rules ops\/prometheus\/alerts\.test\.yml/],
    ['the restore drill', /bash ops\/backup\/restore-drill\.sh/],
    ['the benchmark smoke run', /npm run bench -- --smoke/],
  ])('runs %s as .ci/run does', (_what, command) => {
    expect(runs(ci.jobs.test)).toMatch(command);
    expect(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(command);
  });

  it('builds the image after the tests pass and scans it with Trivy, failing on critical findings', () => {
    const { image } = ci.jobs;
    expect(image.needs).toBe('test');
    expect(uses(image)).toEqual(expect.arrayContaining([expect.stringMatching(/^docker\/build-push-action@/), expect.stringMatching(/^aquasecurity\/trivy-action@/)]));
    const scan = image.steps.find((step) => step.uses?.startsWith('aquasecurity/trivy-action@'));
    expect(scan?.with).toMatchObject({ 'exit-code': '1', severity: expect.stringContaining('CRITICAL') });
  });
});

describe('release workflow (.github/workflows/release.yml)', () => {
  const release = workflow('release.yml');
  const steps = release.jobs.image.steps;

  it('runs for version tags only', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
  });

  it('tags the image with the version from the git tag and pushes it only after the scan', () => {
    const meta = steps.find((step) => step.uses?.startsWith('docker/metadata-action@'));
    expect(String(meta?.with?.tags)).toContain('type=semver,pattern={{version}}');
    const scanAt = steps.findIndex((step) => step.uses?.startsWith('aquasecurity/trivy-action@'));
    const pushAt = steps.findIndex((step) => step.with?.push === true);
    expect(scanAt).toBeGreaterThan(-1);
    expect(pushAt).toBeGreaterThan(scanAt);
    expect(steps[pushAt].with?.tags).toBe('${{ steps.meta.outputs.tags }}');
  });
});

describe('every workflow', () => {
  const files = fs.readdirSync(path.join(ROOT, '.github/workflows')).filter((file) => /\.ya?ml$/.test(file));

  it.each(files)('%s pins every action to a version', (file) => {
    const actions = Object.values(workflow(file).jobs).flatMap(uses);
    expect(actions.filter((action) => !/@v?\d+(\.\d+)*$|@[0-9a-f]{40}$/.test(action))).toEqual([]);
  });
});
