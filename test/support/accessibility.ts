import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let axeSource: Promise<string> | undefined;

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * Runs axe-core (the accessibility rules engine browsers' own audits build on) in the page
 * against WCAG 2.1 A and AA, and fails naming every violation: a control without a label,
 * text below 4.5:1 contrast, a duplicate id, a dialog without a name. Rules that need a person
 * (is the label meaningful, is focus order sensible) are left to the keyboard tests.
 */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, not added as a <script>: the UI's Content Security
  // Policy (script-src 'self') rightly refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations;
  })) as AxeViolation[];
  const described = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map(
          (node) =>
            `    ${JSON.stringify(node.target)} ${node.failureSummary?.split('\n').slice(1, 2).join(' ').trim() ?? ''}`,
        )
        .join('\n'),
  );
  assert.deepEqual(described, [], `accessibility violations on ${where}:\n${described.join('\n')}`);
}
