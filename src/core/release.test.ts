import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildRelease,
  differingReleaseFields,
  ReleaseInputSchema,
  toReleaseTag,
} from './release.ts';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const NOW = new Date('2026-11-23T10:00:00Z');

function parse(input: Record<string, unknown>) {
  return ReleaseInputSchema.safeParse({
    service: 'payments-api',
    version: '1.18.4',
    commit: COMMIT,
    ...input,
  });
}

function problems(input: Record<string, unknown>): string[] {
  const result = parse(input);
  assert.equal(result.success, false, `expected ${JSON.stringify(input)} to be refused`);
  return result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
}

describe('release tags', () => {
  it('are service@version, with +chg-N when a change request is linked', () => {
    assert.equal(
      toReleaseTag({ service: 'payments-api', version: '1.18.4', change: 'CHG-1842' }),
      'payments-api@1.18.4+chg-1842',
    );
    assert.equal(
      toReleaseTag({ service: 'payments-api', version: '1.18.4' }),
      'payments-api@1.18.4',
    );
  });
});

describe('release input', () => {
  it('normalizes the commit, change id and artifact digests to one spelling', () => {
    const result = parse({
      commit: COMMIT.toUpperCase(),
      change: 'chg-7',
      artifacts: [`SHA256:${'AB'.repeat(32)}`],
    });
    assert.ok(result.success);
    assert.equal(result.data.commit, COMMIT);
    assert.equal(result.data.change, 'CHG-7');
    assert.deepEqual(result.data.artifacts, [`sha256:${'ab'.repeat(32)}`]);
  });

  it('accepts SHA-256 git object names (64 hex digits)', () => {
    assert.ok(parse({ commit: 'a'.repeat(64) }).success);
  });

  it('refuses each bad field and names every one of them in one pass', () => {
    assert.deepEqual(
      problems({
        service: 'Payments API',
        version: '1.0+build',
        commit: 'abc123',
        change: 'JIRA-1',
      }),
      ['service', 'version', 'commit', 'change'],
    );
  });

  it('refuses a malformed artifact digest and names its position', () => {
    assert.deepEqual(problems({ artifacts: [`sha256:${'a'.repeat(64)}`, 'md5:abc'] }), [
      'artifacts.1',
    ]);
  });

  it('refuses unknown fields rather than silently dropping them', () => {
    const result = parse({ owner: 'alice' });
    assert.equal(result.success, false);
    assert.equal(result.error?.issues[0]?.code, 'unrecognized_keys');
  });
});

describe('buildRelease', () => {
  it('starts as a draft with sorted, de-duplicated artifacts and no evidence', () => {
    const a = `sha256:${'b'.repeat(64)}`;
    const b = `sha256:${'a'.repeat(64)}`;
    const release = buildRelease({
      id: 'rel_X',
      input: { service: 'api', version: '2.0.0', commit: COMMIT, artifacts: [a, b, a] },
      now: NOW,
      actor: 'token:ci',
    });
    assert.deepEqual(release, {
      id: 'rel_X',
      tag: 'api@2.0.0',
      service: 'api',
      version: '2.0.0',
      commit: COMMIT,
      change: null,
      artifacts: [b, a],
      state: 'draft',
      createdAt: '2026-11-23T10:00:00.000Z',
      createdBy: 'token:ci',
      evidenceCount: 0,
    });
  });
});

describe('differingReleaseFields', () => {
  const existing = buildRelease({
    id: 'rel_A',
    input: {
      service: 'api',
      version: '1',
      commit: COMMIT,
      artifacts: [`sha256:${'c'.repeat(64)}`],
    },
    now: NOW,
    actor: 'token:ci',
  });

  it('finds nothing for a retry of the same build, even without the artifacts', () => {
    const retry = buildRelease({
      id: 'rel_B',
      input: { service: 'api', version: '1', commit: COMMIT },
      now: NOW,
      actor: 'x',
    });
    assert.deepEqual(differingReleaseFields(existing, retry), []);
  });

  it('names the commit and the artifacts when they differ', () => {
    const other = buildRelease({
      id: 'rel_C',
      input: {
        service: 'api',
        version: '1',
        commit: 'f'.repeat(40),
        artifacts: [`sha256:${'d'.repeat(64)}`],
      },
      now: NOW,
      actor: 'x',
    });
    assert.deepEqual(differingReleaseFields(existing, other), ['commit', 'artifacts']);
  });
});
