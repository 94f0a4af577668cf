import { DossierError } from '../../core/errors.ts';
import type { EvidenceFormat, EvidenceSummary } from '../format.ts';
import { readXml, xmlRootElement } from '../xml/read-xml.ts';
import { JunitReader } from './junit-reader.ts';
import { JUNIT_LIMITS, type JunitLimits, type JunitSummary } from './junit-summary.ts';

/**
 * JUnit XML as every common producer writes it (Surefire, Gradle, pytest, jest-junit, go-junit-
 * report, PHPUnit, Catch2, Playwright, …). There is no single schema: the document element is
 * `<testsuites>` or a bare `<testsuite>`, suites may nest, and the rest varies by producer, so
 * detection looks only at the document element.
 */
export const junitXml: EvidenceFormat = {
  id: 'junit-xml',
  kind: 'junit',
  label: 'JUnit XML',
  detect(head) {
    try {
      const root = xmlRootElement(head);
      return root === 'testsuites' || root === 'testsuite';
    } catch {
      return false;
    }
  },
  async parse(source) {
    return (await parseJunitXml(source)) as unknown as EvidenceSummary;
  },
};

/** Streams a JUnit XML report into a summary; never holds the document, only bounded records. */
export async function parseJunitXml(
  source: AsyncIterable<Uint8Array>,
  limits: JunitLimits = JUNIT_LIMITS,
): Promise<JunitSummary> {
  const reader = new JunitReader(limits);
  try {
    await readXml(source, reader);
  } catch (error) {
    if (error instanceof DossierError && error.message.startsWith('junit: ')) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DossierError('EVIDENCE_MALFORMED', `junit: ${message}`, { cause: error });
  }
  return reader.summary();
}
