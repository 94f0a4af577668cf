import { Notes, plural } from './notes.ts';

/** A time above this is almost certainly a unit mistake (nanoseconds written as seconds). */
export const IMPLAUSIBLE_SECONDS = 7 * 24 * 3600;
/** The name given to a `<failure>` or `<error>` found directly in a suite (Jenkins: `<init>`). */
export const SUITE_LEVEL_CASE = '(suite)';

/** The oddities a JUnit file can show; each becomes at most one warning. */
export type NoteKind =
  | 'declaredSuite'
  | 'caseOutsideSuite'
  | 'suiteOutcome'
  | 'nestedCase'
  | 'missingName'
  | 'multiOutcome'
  | 'repeatedOutcome'
  | 'time'
  | 'hugeTime';

export function junitNotes(): Notes<NoteKind> {
  return new Notes<NoteKind>();
}

const are = (n: number) => (n === 1 ? 'is' : 'are');
const have = (n: number) => (n === 1 ? 'has' : 'have');

/** One sentence per kind of oddity seen, with its count and first places. */
export function renderNotes(notes: Notes<NoteKind>): string[] {
  return notes.render({
    declaredSuite: (n, at) =>
      `${plural(n, 'testsuite')} declare${n === 1 ? 's' : ''} totals that disagree with ${n === 1 ? 'its' : 'their'} test cases; the summary counts the cases: ${at}`,
    caseOutsideSuite: (n, at) =>
      `${plural(n, 'testcase')} ${are(n)} outside any testsuite (counted, with an empty suite name): ${at}`,
    suiteOutcome: (n, at) =>
      `${plural(n, '<failure> or <error> element')} ${are(n)} directly inside a testsuite, outside any testcase; each counts as one case named "${SUITE_LEVEL_CASE}": ${at}`,
    nestedCase: (n, at) =>
      `${plural(n, 'testcase')} nested inside another testcase ${n === 1 ? 'was' : 'were'} ignored: ${at}`,
    missingName: (n, at) => `${plural(n, 'testcase')} ${have(n)} no name attribute: ${at}`,
    multiOutcome: (n, at) =>
      `${plural(n, 'testcase')} carr${n === 1 ? 'ies' : 'y'} more than one outcome; each counts once, as errored before failed before skipped: ${at}`,
    repeatedOutcome: (n, at) =>
      `${plural(n, 'testcase')} carr${n === 1 ? 'ies' : 'y'} several <failure> or <error> elements; each counts once, with the first message: ${at}`,
    time: (n, at) =>
      `${plural(n, 'time attribute')} ${are(n)} empty, negative or not a number, and left out of the duration: ${at}`,
    hugeTime: (n, at) =>
      `${plural(n, 'time attribute')} exceed${n === 1 ? 's' : ''} a week (${IMPLAUSIBLE_SECONDS} s), probably in the wrong unit; kept as given: ${at}`,
  });
}
