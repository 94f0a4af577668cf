import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from './support/start-server.ts';

// DESIGN.md: dependencies point downward only. Each layer lists the layers it may import.
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  evidence: ['core', 'evidence'],
  store: ['core', 'store'],
  service: ['core', 'evidence', 'store', 'service'],
  api: ['core', 'evidence', 'service', 'api'],
  cli: ['core', 'evidence', 'service', 'api', 'cli'],
  web: ['core', 'web'],
  integrations: ['core', 'evidence', 'service', 'integrations'],
};
const PURE_LAYERS = ['core', 'evidence'];
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|http|https|net|dgram|child_process|sqlite|worker_threads|os|process|pg|postgres)$/;

const srcRoot = join(projectRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // Test code (tests, the conformance suite, fixtures folders) may read files; it ships nowhere.
    if (name === 'fixtures') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) &&
      !/\.test\.tsx?$/.test(name) &&
      !name.endsWith('.conformance.ts')
      ? [path]
      : [];
  });
}

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g,
  )) {
    specifiers.push(match[1] as string);
  }
  for (const match of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g))
    specifiers.push(match[1] as string);
  return specifiers;
}

const files = sourceFiles(srcRoot);

describe('layering (DESIGN.md)', () => {
  it('finds the source files it checks', () => {
    assert.ok(files.length > 30, `only ${files.length} files found under src/`);
  });

  it('imports only from the same or a lower layer', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = relative(srcRoot, file).split('/')[0] as string;
      const allowed = ALLOWED[layer];
      if (!allowed) {
        violations.push(`${relative(projectRoot, file)}: unknown layer "${layer}"`);
        continue;
      }
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = relative(srcRoot, join(file, '..', specifier)).split('/')[0] as string;
        if (!allowed.includes(target)) {
          violations.push(
            `${relative(projectRoot, file)} imports ${specifier} (${layer} → ${target})`,
          );
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it('keeps core/ and evidence/ free of I/O modules and the clock', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = relative(srcRoot, file).split('/')[0] as string;
      if (!PURE_LAYERS.includes(layer)) continue;
      const source = readFileSync(file, 'utf8');
      for (const specifier of importsOf(source)) {
        if (IO_MODULES.test(specifier))
          violations.push(`${relative(projectRoot, file)} imports ${specifier}`);
      }
      if (/Date\.now\(\)|new Date\(\s*\)/.test(source))
        violations.push(`${relative(projectRoot, file)} reads the clock`);
    }
    assert.deepEqual(violations, []);
  });

  it('keeps SQL inside store/', () => {
    const sql =
      /\b(SELECT\s+[\w*]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b/;
    const outside = files.filter(
      (file) =>
        !relative(srcRoot, file).startsWith('store/') && sql.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(
      outside.map((file) => relative(projectRoot, file)),
      [],
    );
  });

  it('lets only store/sqlite/ import node:sqlite', () => {
    const importers = files.filter((file) =>
      importsOf(readFileSync(file, 'utf8')).includes('node:sqlite'),
    );
    assert.ok(importers.length > 0);
    for (const file of importers) assert.match(relative(srcRoot, file), /^store\/sqlite\//);
  });
});
