import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { statusOf } from '../src/api/problem.ts';
import { exitCodeOf } from '../src/cli/exit-codes.ts';
import { ERROR_CODES } from '../src/core/errors.ts';
import { SETTINGS } from '../src/service/config.ts';
import { projectRoot } from './support/start-server.ts';

const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');

describe('docs/errors.md', () => {
  const rows = [...read('docs/errors.md').matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (\d) \|/gm)].map(
    (match) => ({
      code: match[1] as string,
      status: Number(match[2]),
      exit: Number(match[3]),
    }),
  );

  it('lists every error code exactly once, and no code that does not exist', () => {
    assert.ok(rows.length > 0, 'no rows found in docs/errors.md');
    assert.deepEqual(rows.map((row) => row.code).sort(), [...ERROR_CODES].sort());
  });

  it('gives each code the HTTP status and exit code the program uses', () => {
    for (const row of rows) {
      const code = row.code as (typeof ERROR_CODES)[number];
      assert.equal(row.status, statusOf(code), `${row.code} HTTP status`);
      assert.equal(row.exit, exitCodeOf(code), `${row.code} exit code`);
    }
  });
});

describe('docs/configuration.md', () => {
  const doc = read('docs/configuration.md');

  it('documents every setting with its flag, variable and default', () => {
    for (const [name, setting] of Object.entries(SETTINGS)) {
      const row = doc.split('\n').find((line) => line.includes(`\`${setting.env}\``));
      assert.ok(row, `${name}: ${setting.env} is not documented`);
      if (setting.flag)
        assert.ok(row.includes(`\`${setting.flag}\``), `${name}: flag ${setting.flag} missing`);
      if (setting.default !== undefined) {
        assert.ok(
          row.includes(`\`${setting.default}\``),
          `${name}: default ${setting.default} missing`,
        );
      }
    }
  });

  it('names no variable the program does not read', () => {
    const known = new Set([
      ...Object.values(SETTINGS).map((s) => s.env),
      'DOSSIER_URL',
      'DOSSIER_TOKEN',
    ]);
    const named = [...doc.matchAll(/`(DOSSIER_[A-Z_]+)`/g)].map((match) => match[1]);
    assert.deepEqual(
      named.filter((name) => !known.has(name as string)),
      [],
    );
  });
});
