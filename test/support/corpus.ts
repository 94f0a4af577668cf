import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The shared evidence corpus: real files from public projects (see its SOURCES.md). */
export const corpusRoot = new URL('../../../shared/corpus/', import.meta.url).pathname;

export function corpusPath(...parts: string[]): string {
  return join(corpusRoot, ...parts);
}

/** Every regular file under a corpus folder, recursively, sorted. */
export function corpusFiles(folder: string): string[] {
  const root = corpusPath(folder);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk(root);
  return found;
}
