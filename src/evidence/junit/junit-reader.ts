import { DossierError } from '../../core/errors.ts';
import type { XmlHandlers } from '../xml/read-xml.ts';
import { type CaseDraft, CaseList } from './case-list.ts';
import { statusFromAttributes } from './case-status.ts';
import { declaredMismatch, readDeclared } from './declared-totals.ts';
import type { CaseStatus, DeclaredTotals, JunitLimits, JunitSummary } from './junit-summary.ts';
import {
  IMPLAUSIBLE_SECONDS,
  junitNotes,
  type NoteKind,
  renderNotes,
  SUITE_LEVEL_CASE,
} from './junit-warnings.ts';
import { plural } from './notes.ts';
import { cut, firstLine } from './strings.ts';

const MAX_PROPERTY_NAME_CHARS = 256;

// Outcome flags of the open case.
const FAILURE = 1;
const ERROR = 2;
const SKIPPED = 4;
const RERUN = 8;

// What captured text is for.
const FOR_NOTHING = 0;
const FOR_FAILURE = 1;
const FOR_ERROR = 2;
const FOR_SKIPPED = 3;
const FOR_PROPERTY = 4;

/** A `<testsuite>`, or the `<testsuites>` root that holds them. */
interface Frame {
  path: string;
  depth: number;
  isSuite: boolean;
  name: string;
  childSuites: number;
  childCases: number;
  declared: DeclaredTotals | undefined;
  time: number | null;
  // Cases found in this frame and, once they close, its nested suites.
  tests: number;
  failed: number;
  errored: number;
  skipped: number;
}

/**
 * The JUnit state machine over `readXml` events. Per-event work is kept to a switch on the
 * element name and a few integer comparisons, because on a large report it runs once per element
 * and the XML tokenizer is the only other cost; strings are copied only for records that are kept.
 */
export class JunitReader implements XmlHandlers {
  readonly #limits: JunitLimits;
  readonly #cases: CaseList;
  readonly #notes = junitNotes();
  readonly #properties = new Map<string, string>();
  #propertiesOmitted = 0;
  readonly #scratch: CaseDraft = {
    suite: '',
    className: '',
    name: '',
    status: 'passed',
    timeSeconds: null,
    message: undefined,
    type: undefined,
    flaky: false,
  };

  readonly #frames: Frame[] = [];
  #top: Frame | undefined;
  #rootDeclaredMismatch: string | undefined;
  #rootDeclared: DeclaredTotals | undefined;
  #rootTime: number | null = null;
  #topSuitesTime = 0;
  #topSuitesTimed = false;

  #tests = 0;
  #failed = 0;
  #errored = 0;
  #skipped = 0;
  #flaky = 0;
  #suites = 0;
  #caseSeconds = 0;
  #caseTimed = false;

  // The open test case; 0 when none is open.
  #caseDepth = 0;
  #caseIndex = 0;
  #caseName: string | undefined;
  #caseClass: string | undefined;
  #caseTime: string | undefined;
  #caseStatus: string | undefined;
  #caseResult: string | undefined;
  #caseFlags = 0;
  #caseOutcomes = 0;
  #caseSynthetic = false;
  #failureMessage: string | undefined;
  #failureType: string | undefined;
  #errorMessage: string | undefined;
  #errorType: string | undefined;
  #skippedMessage: string | undefined;
  /** Text of the first element of each kind that had no message attribute. */
  #failureText = '';
  #errorText = '';
  #skippedText = '';

  // Text being captured for a message or a property value.
  #captureDepth = 0;
  #captureFor = FOR_NOTHING;
  #captured = '';
  #captureRoom = 0;
  #propertiesDepth = 0;
  #propertyName = '';

  constructor(limits: JunitLimits) {
    this.#limits = limits;
    this.#cases = new CaseList({
      maxCases: limits.maxCases,
      maxTextChars: limits.maxCaseTextChars,
      maxNameChars: limits.maxNameChars,
      maxMessageChars: limits.maxMessageChars,
    });
  }

  open(name: string, attributes: Readonly<Record<string, string>>, depth: number): void {
    if (depth === 1) {
      this.#openRoot(name, attributes);
      return;
    }
    switch (name) {
      case 'testcase':
        this.#openCase(attributes, depth);
        return;
      case 'failure':
      case 'error':
      case 'skipped':
      case 'flakyFailure':
      case 'flakyError':
      case 'rerunFailure':
      case 'rerunError':
        if (this.#caseDepth !== 0) {
          if (depth === this.#caseDepth + 1) this.#openOutcome(name, attributes, depth);
        } else if (
          (name === 'failure' || name === 'error') &&
          this.#top?.isSuite === true &&
          depth === this.#top.depth + 1
        ) {
          this.#openSuiteOutcome(name, attributes, depth);
        }
        return;
      case 'testsuite':
        if (this.#caseDepth === 0) this.#openSuite(attributes, depth);
        return;
      case 'properties':
        if (this.#propertiesDepth === 0) this.#propertiesDepth = depth;
        return;
      case 'property':
        if (depth === this.#propertiesDepth + 1) this.#openProperty(attributes, depth);
        return;
    }
  }

  close(_name: string, depth: number): void {
    if (depth === this.#captureDepth) this.#endCapture();
    if (depth === this.#caseDepth) this.#closeCase();
    else if (depth === this.#propertiesDepth) this.#propertiesDepth = 0;
    else if (depth === this.#top?.depth) this.#closeFrame();
  }

  text(text: string): void {
    if (this.#captureFor === FOR_NOTHING || this.#captureRoom <= 0) return;
    let piece = this.#captured.length === 0 ? text.trimStart() : text;
    if (piece.length > this.#captureRoom) piece = piece.slice(0, this.#captureRoom);
    this.#captured += piece;
    this.#captureRoom -= piece.length;
  }

  #openRoot(name: string, attributes: Readonly<Record<string, string>>): void {
    if (name !== 'testsuites' && name !== 'testsuite') {
      throw new DossierError(
        'EVIDENCE_MALFORMED',
        `junit: the document element is <${cut(name, 64)}>, not <testsuites> or <testsuite>; this is not JUnit XML`,
      );
    }
    const frame = this.#newFrame(name, 1, name === 'testsuite', attributes);
    this.#rootDeclared = frame.declared;
    this.#rootTime = frame.time;
    if (frame.isSuite) this.#suites++;
    this.#push(frame);
  }

  #openSuite(attributes: Readonly<Record<string, string>>, depth: number): void {
    const parent = this.#top as Frame;
    parent.childSuites++;
    const path = `${parent.path}/testsuite[${parent.childSuites}]`;
    this.#suites++;
    this.#push(this.#newFrame(path, depth, true, attributes));
  }

  #newFrame(
    path: string,
    depth: number,
    isSuite: boolean,
    attributes: Readonly<Record<string, string>>,
  ): Frame {
    const frame: Frame = {
      path,
      depth,
      isSuite,
      name: isSuite ? cut(attributes.name ?? '', this.#limits.maxNameChars) : '',
      childSuites: 0,
      childCases: 0,
      declared: readDeclared(attributes),
      time: null,
      tests: 0,
      failed: 0,
      errored: 0,
      skipped: 0,
    };
    if (attributes.time !== undefined) frame.time = this.#seconds(attributes.time, frame);
    return frame;
  }

  #push(frame: Frame): void {
    this.#frames.push(frame);
    this.#top = frame;
  }

  #closeFrame(): void {
    const frame = this.#frames.pop() as Frame;
    const parent = this.#frames.at(-1);
    this.#top = parent;
    const mismatch = frame.declared && declaredMismatch(frame.declared, frame);
    if (mismatch) {
      if (frame.depth === 1) this.#rootDeclaredMismatch = mismatch;
      else this.#notes.add('declaredSuite', `${describe(frame.path, frame.name)}: ${mismatch}`);
    }
    if (!parent) return;
    parent.tests += frame.tests;
    parent.failed += frame.failed;
    parent.errored += frame.errored;
    parent.skipped += frame.skipped;
    if (parent.depth === 1 && !parent.isSuite && frame.time !== null) {
      this.#topSuitesTime += frame.time;
      this.#topSuitesTimed = true;
    }
  }

  #openCase(attributes: Readonly<Record<string, string>>, depth: number): void {
    const frame = this.#top as Frame;
    if (this.#caseDepth !== 0) {
      this.#noteCase('nestedCase', 'inside ');
      return;
    }
    frame.childCases++;
    this.#caseIndex = frame.childCases;
    this.#caseDepth = depth;
    this.#caseName = attributes.name;
    this.#caseClass = attributes.classname ?? attributes.class;
    this.#caseTime = attributes.time;
    this.#caseStatus = attributes.status;
    this.#caseResult = attributes.result;
    if (!frame.isSuite) this.#noteCase('caseOutsideSuite');
  }

  #openOutcome(name: string, attributes: Readonly<Record<string, string>>, depth: number): void {
    let captureFor = FOR_NOTHING;
    switch (name) {
      case 'failure':
        this.#caseOutcomes++;
        if (this.#caseFlags & FAILURE) return;
        this.#caseFlags |= FAILURE;
        this.#failureMessage = attributes.message;
        this.#failureType = attributes.type;
        captureFor = FOR_FAILURE;
        break;
      case 'error':
        this.#caseOutcomes++;
        if (this.#caseFlags & ERROR) return;
        this.#caseFlags |= ERROR;
        this.#errorMessage = attributes.message;
        this.#errorType = attributes.type;
        captureFor = FOR_ERROR;
        break;
      case 'skipped':
        if (this.#caseFlags & SKIPPED) return;
        this.#caseFlags |= SKIPPED;
        this.#skippedMessage = attributes.message;
        captureFor = FOR_SKIPPED;
        break;
      default:
        this.#caseFlags |= RERUN;
        return;
    }
    // The text is only needed when the element has no usable message attribute.
    if (!attributes.message) this.#capture(captureFor, depth, this.#limits.maxMessageChars);
  }

  /** A `<failure>`/`<error>` directly in a suite: a suite that could not run (Jenkins counts it). */
  #openSuiteOutcome(
    name: string,
    attributes: Readonly<Record<string, string>>,
    depth: number,
  ): void {
    const frame = this.#top as Frame;
    // Not a <testcase>, so it takes no testcase[n] position; its notes name the suite.
    this.#caseIndex = 0;
    this.#caseDepth = depth;
    this.#caseSynthetic = true;
    this.#caseName = SUITE_LEVEL_CASE;
    this.#caseClass = frame.name;
    this.#notes.add('suiteOutcome', `${describe(frame.path, frame.name)}: <${name}>`);
    this.#openOutcome(name, attributes, depth);
  }

  #closeCase(): void {
    const frame = this.#top as Frame;
    const flags = this.#caseFlags;
    let status: CaseStatus;
    if (flags & ERROR) status = 'errored';
    else if (flags & FAILURE) status = 'failed';
    else if (flags & SKIPPED) status = 'skipped';
    else status = statusFromAttributes(this.#caseStatus, this.#caseResult);

    const outcomeKinds = (flags & FAILURE) + ((flags & ERROR) >> 1) + ((flags & SKIPPED) >> 2);
    if (outcomeKinds > 1) this.#noteCase('multiOutcome', '', ` (${outcomeList(flags)})`);
    if (this.#caseOutcomes > 1 && !this.#caseSynthetic) {
      this.#noteCase('repeatedOutcome', '', ` (${this.#caseOutcomes} <failure>/<error>)`);
    }
    if (this.#caseName === undefined) this.#noteCase('missingName');
    const seconds = this.#caseTime === undefined ? null : this.#seconds(this.#caseTime);
    if (seconds !== null) {
      this.#caseSeconds += seconds;
      this.#caseTimed = true;
    }

    this.#tests++;
    frame.tests++;
    const flaky = status === 'passed' && (flags & RERUN) !== 0;
    switch (status) {
      case 'failed':
        this.#failed++;
        frame.failed++;
        break;
      case 'errored':
        this.#errored++;
        frame.errored++;
        break;
      case 'skipped':
        this.#skipped++;
        frame.skipped++;
        break;
      case 'passed':
        if (flaky) this.#flaky++;
        break;
    }

    const problem = status === 'failed' || status === 'errored';
    if (this.#cases.wants(problem)) this.#cases.add(this.#draft(frame, status, seconds, flaky));
    else this.#cases.omit();
    this.#resetCase();
  }

  /** Fills the one reusable draft; the case list copies what it keeps. */
  #draft(frame: Frame, status: CaseStatus, seconds: number | null, flaky: boolean): CaseDraft {
    const draft = this.#scratch;
    draft.suite = frame.name;
    draft.className = this.#caseClass ?? '';
    draft.name = this.#caseName ?? '';
    draft.status = status;
    draft.timeSeconds = seconds;
    draft.flaky = flaky;
    let message: string | undefined;
    let type: string | undefined;
    if (status === 'errored') {
      message = this.#errorMessage || firstLine(this.#errorText);
      type = this.#errorType;
    } else if (status === 'failed') {
      message = this.#failureMessage || firstLine(this.#failureText);
      type = this.#failureType;
    } else if (status === 'skipped') {
      message = this.#skippedMessage || firstLine(this.#skippedText);
    }
    draft.message = message || undefined;
    draft.type = type || undefined;
    return draft;
  }

  #resetCase(): void {
    this.#caseDepth = 0;
    this.#caseSynthetic = false;
    this.#caseName = undefined;
    this.#caseClass = undefined;
    this.#caseTime = undefined;
    this.#caseStatus = undefined;
    this.#caseResult = undefined;
    this.#caseFlags = 0;
    this.#caseOutcomes = 0;
    this.#failureMessage = undefined;
    this.#failureType = undefined;
    this.#errorMessage = undefined;
    this.#errorType = undefined;
    this.#skippedMessage = undefined;
    this.#failureText = '';
    this.#errorText = '';
    this.#skippedText = '';
  }

  #openProperty(attributes: Readonly<Record<string, string>>, depth: number): void {
    const name = attributes.name;
    if (name === undefined) return;
    const key = cut(name, MAX_PROPERTY_NAME_CHARS);
    if (this.#properties.has(key)) return;
    if (this.#properties.size >= this.#limits.maxProperties) {
      this.#propertiesOmitted++;
      return;
    }
    const value = attributes.value;
    if (value !== undefined) {
      this.#properties.set(key, cut(value, this.#limits.maxPropertyValueChars));
      return;
    }
    // Reserve the name now, so a later property of the same name cannot take its place.
    this.#properties.set(key, '');
    this.#propertyName = key;
    this.#capture(FOR_PROPERTY, depth, this.#limits.maxPropertyValueChars + 1);
  }

  #capture(captureFor: number, depth: number, room: number): void {
    if (this.#captureFor !== FOR_NOTHING) return;
    this.#captureFor = captureFor;
    this.#captureDepth = depth;
    this.#captureRoom = room;
    this.#captured = '';
  }

  #endCapture(): void {
    const text = this.#captured;
    switch (this.#captureFor) {
      case FOR_PROPERTY:
        this.#properties.set(
          this.#propertyName,
          cut(text.trimEnd(), this.#limits.maxPropertyValueChars),
        );
        break;
      case FOR_FAILURE:
        this.#failureText = text;
        break;
      case FOR_ERROR:
        this.#errorText = text;
        break;
      case FOR_SKIPPED:
        this.#skippedText = text;
        break;
    }
    this.#captured = '';
    this.#captureFor = FOR_NOTHING;
    this.#captureDepth = 0;
  }

  /**
   * Seconds from a time attribute of `frame`, or of the open case when none is given; null (with
   * a note) when the value is unusable. The place is only spelled out when a note needs it.
   */
  #seconds(raw: string, frame?: Frame): number | null {
    const value = raw.length === 0 ? Number.NaN : Number(raw);
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY) || (value === 0 && raw.trim() === '')) {
      this.#noteTime('time', raw, frame);
      return null;
    }
    if (value > IMPLAUSIBLE_SECONDS) this.#noteTime('hugeTime', raw, frame);
    return value;
  }

  #noteTime(kind: 'time' | 'hugeTime', raw: string, frame: Frame | undefined): void {
    if (!this.#notes.wantsExample(kind)) {
      this.#notes.add(kind);
      return;
    }
    const where = frame ? describe(frame.path, frame.name) : this.#casePath();
    this.#notes.add(kind, `${where} time="${cut(raw, 40)}"`);
  }

  /** Notes something about the open case; its place is spelled out only while examples are wanted. */
  #noteCase(kind: NoteKind, before = '', after = ''): void {
    if (!this.#notes.wantsExample(kind)) this.#notes.add(kind);
    else this.#notes.add(kind, `${before}${this.#casePath()}${after}`);
  }

  #casePath(): string {
    const frame = this.#top as Frame;
    return describe(`${frame.path}/testcase[${this.#caseIndex}]`, this.#caseName);
  }

  summary(): JunitSummary {
    const cases = this.#cases.toArray();
    const durationSeconds = this.#caseTimed
      ? this.#caseSeconds
      : (this.#rootTime ?? (this.#topSuitesTimed ? this.#topSuitesTime : 0));
    const summary: JunitSummary = {
      tests: this.#tests,
      passed: this.#tests - this.#failed - this.#errored - this.#skipped,
      failed: this.#failed,
      errored: this.#errored,
      skipped: this.#skipped,
      flaky: this.#flaky,
      durationSeconds: Math.round(durationSeconds * 1e6) / 1e6,
      suites: this.#suites,
      cases,
      casesOmitted: this.#cases.omitted,
      properties: Object.fromEntries(this.#properties),
      propertiesOmitted: this.#propertiesOmitted,
      warnings: this.#warnings(cases.length),
    };
    if (this.#rootDeclared) summary.declared = this.#rootDeclared;
    return summary;
  }

  #warnings(listed: number): string[] {
    const warnings: string[] = [];
    if (this.#rootDeclaredMismatch) {
      warnings.push(
        `the root element declares totals that disagree with the test cases in the file: ${this.#rootDeclaredMismatch}; the summary counts the cases`,
      );
    }
    warnings.push(...renderNotes(this.#notes));
    if (this.#cases.omitted > 0) {
      warnings.push(
        `the case list keeps ${listed} of ${this.#tests} test cases (failed and errored first); the totals count all of them`,
      );
    }
    if (this.#propertiesOmitted > 0) {
      warnings.push(
        `kept the first ${this.#properties.size} property names; ${plural(this.#propertiesOmitted, 'further property element')} left out`,
      );
    }
    return warnings;
  }
}

function outcomeList(flags: number): string {
  const kinds: string[] = [];
  if (flags & SKIPPED) kinds.push('skipped');
  if (flags & FAILURE) kinds.push('failure');
  if (flags & ERROR) kinds.push('error');
  return kinds.join(', ');
}

function describe(path: string, name: string | undefined): string {
  return name ? `${path} "${cut(name, 80)}"` : path;
}
