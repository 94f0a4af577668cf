/**
 * A large, Surefire-like JUnit report made up on the fly, for the streaming tests and the bench:
 * suites of cases with times, failures with stack traces in CDATA, errors, skips, captured
 * output and suite properties. Deterministic, so its totals are known without parsing it.
 */
export interface GeneratedReportOptions {
  suites: number;
  casesPerSuite: number;
}

export interface GeneratedReportTotals {
  tests: number;
  failed: number;
  errored: number;
  skipped: number;
  suites: number;
  /** Sum of case times, in milliseconds (each case takes a whole number of them). */
  durationMillis: number;
}

type Outcome = 'passed' | 'failed' | 'errored' | 'skipped';

function outcomeOf(index: number): Outcome {
  if (index % 50 === 7) return 'failed';
  if (index % 97 === 3) return 'errored';
  if (index % 23 === 5) return 'skipped';
  return 'passed';
}

const millisOf = (index: number) => (index * 7) % 1000;

export function generatedReportTotals(options: GeneratedReportOptions): GeneratedReportTotals {
  const totals: GeneratedReportTotals = {
    tests: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    suites: options.suites,
    durationMillis: 0,
  };
  for (let index = 0; index < options.suites * options.casesPerSuite; index++) {
    totals.tests++;
    totals.durationMillis += millisOf(index);
    const outcome = outcomeOf(index);
    if (outcome !== 'passed') totals[outcome]++;
  }
  return totals;
}

/** The report as text, one suite per piece. */
export function* generatedReportText(options: GeneratedReportOptions): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="generated">\n';
  let index = 0;
  for (let suite = 0; suite < options.suites; suite++) {
    const className = `com.example.generated.pkg${suite % 40}.Suite${String(suite).padStart(5, '0')}Test`;
    const parts: string[] = [
      `  <testsuite name="${className}" tests="${options.casesPerSuite}" time="1.5">\n`,
      '    <properties>\n',
      '      <property name="java.version" value="21.0.2"/>\n',
      `      <property name="surefire.fork" value="fork-${suite % 4}"/>\n`,
      '    </properties>\n',
    ];
    for (let n = 0; n < options.casesPerSuite; n++, index++) {
      const time = (millisOf(index) / 1000).toFixed(3);
      const open = `    <testcase name="testBehaviour${String(index).padStart(7, '0')}_whenInputIsValid" classname="${className}" time="${time}"`;
      switch (outcomeOf(index)) {
        case 'failed':
          parts.push(
            `${open}>\n      <failure message="expected:&lt;${index}&gt; but was:&lt;${index + 1}&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: expected: <${index}> but was: <${index + 1}>\n`,
            `\tat ${className}.testBehaviour(${className}.java:${40 + (index % 60)})\n`,
            '\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)\n',
            '\tat org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:728)\n',
            ']]></failure>\n      <system-out><![CDATA[starting case\nconnecting to fixture database\n]]></system-out>\n    </testcase>\n',
          );
          break;
        case 'errored':
          parts.push(
            `${open}>\n      <error message="Connection refused &amp; retried" type="java.net.ConnectException">java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)\n</error>\n    </testcase>\n`,
          );
          break;
        case 'skipped':
          parts.push(`${open}>\n      <skipped message="disabled on CI"/>\n    </testcase>\n`);
          break;
        default:
          parts.push(
            index % 10 === 0
              ? `${open}>\n      <system-out>log line one for case ${index}\nlog line two</system-out>\n    </testcase>\n`
              : `${open}/>\n`,
          );
      }
    }
    parts.push('    <system-err/>\n  </testsuite>\n');
    yield parts.join('');
  }
  yield '</testsuites>\n';
}

/** The report as UTF-8 chunks of about `chunkBytes`, made as they are read. */
export async function* generatedReport(
  options: GeneratedReportOptions,
  chunkBytes = 64 * 1024,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let pending = '';
  for (const piece of generatedReportText(options)) {
    pending += piece;
    if (pending.length >= chunkBytes) {
      yield encoder.encode(pending);
      pending = '';
    }
  }
  if (pending) yield encoder.encode(pending);
}
