import type { EvidenceFormat } from '../format.ts';
import { scanJsonHead } from '../json/json-head.ts';
import { readJsonDocument } from '../json/read-json-document.ts';
import { SARIF_LABEL, summarizeSarif } from './summarize-sarif.ts';

/**
 * SARIF 2.1.0 logs (OASIS), from CodeQL, Semgrep, ESLint, Trivy, Grype and other analyzers.
 * Detection: a JSON object whose `$schema` names SARIF, or whose `runs` sits beside a
 * `version` of 2.1.x, or whose runs show `tool.driver` or results with messages (members may
 * come in any order, so a minified log can show its runs before its version).
 */
export const sarifJsonFormat: EvidenceFormat = {
  id: 'sarif-json',
  kind: 'sarif',
  label: 'SARIF 2.1.0',
  detect(head) {
    const scan = scanJsonHead(head);
    if (scan.root !== 'object') return false;
    const schema = scan.values.get('$schema');
    if (typeof schema === 'string' && /sarif/i.test(schema)) return true;
    if (!scan.paths.has('runs')) return false;
    const version = scan.values.get('version');
    return (
      (typeof version === 'string' && version.startsWith('2.1')) ||
      scan.paths.has('runs[].tool.driver') ||
      scan.paths.has('runs[].results[].message')
    );
  },
  async parse(source) {
    const document = await readJsonDocument(source, SARIF_LABEL);
    return summarizeSarif(document.value, document.warnings);
  },
};
