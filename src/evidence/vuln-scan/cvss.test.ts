import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cvssBaseScore } from './cvss.ts';
import { severityFromScore, severityFromWord } from './severity.ts';

describe('cvssBaseScore', () => {
  // Scores as NVD publishes them for these vectors.
  const cases: Array<[string, number, 2 | 3]> = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 3], // CVE-2021-44228 is 10.0 with S:C
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10, 3],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5, 3],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N', 7.7, 3],
    ['CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', 5.5, 3],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1, 3],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0, 3],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5, 2],
    ['AV:N/AC:M/Au:N/C:N/I:P/A:N', 4.3, 2],
    ['AV:N/AC:L/Au:N/C:C/I:C/A:C', 10, 2],
    ['(AV:L/AC:L/Au:N/C:P/I:N/A:N)', 2.1, 2],
  ];
  for (const [vector, score, major] of cases) {
    it(`${vector} scores ${score} (CVSS v${major})`, () => {
      assert.deepEqual(cvssBaseScore(vector), { score, major });
    });
  }

  it('gives no score for CVSS v4, unknown metric values or text that is not a vector', () => {
    assert.equal(
      cvssBaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'),
      undefined,
    );
    assert.equal(cvssBaseScore('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), undefined);
    assert.equal(cvssBaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H'), undefined);
    assert.equal(cvssBaseScore('HIGH'), undefined);
    assert.equal(cvssBaseScore('toString:1/constructor:2'), undefined);
  });
});

describe('severity bands', () => {
  it("maps scanners' words onto the five bands", () => {
    assert.equal(severityFromWord('CRITICAL'), 'critical');
    assert.equal(severityFromWord('Important'), 'high');
    assert.equal(severityFromWord('moderate'), 'medium');
    assert.equal(severityFromWord('Negligible'), 'low');
    assert.equal(severityFromWord('info'), 'low');
    assert.equal(severityFromWord('UNKNOWN'), undefined);
    assert.equal(severityFromWord('constructor'), undefined);
    assert.equal(severityFromWord(7), undefined);
  });

  it('bands scores the CVSS way, with no critical band for CVSS v2', () => {
    assert.equal(severityFromScore(9.0), 'critical');
    assert.equal(severityFromScore(8.9), 'high');
    assert.equal(severityFromScore(9.3, 2), 'high');
    assert.equal(severityFromScore(4.0), 'medium');
    assert.equal(severityFromScore(3.9), 'low');
    assert.equal(severityFromScore(0), 'low');
    assert.equal(severityFromScore(11), undefined);
    assert.equal(severityFromScore(Number.NaN), undefined);
  });
});
