import {
  type BuildFacts,
  bareSlsaPredicateType,
  buildFacts,
  NO_BUILD_FACTS,
} from './build-facts.ts';
import { cut, describeJson, isObject, type JsonObject, stringAt } from './json-value.ts';
import { PROVENANCE_LIMITS } from './limits.ts';

export interface SubjectSummary {
  name: string | null;
  /** Algorithm (lower case) → digest, e.g. `{ sha256: "…" }`. */
  digest: Record<string, string>;
}

/** What an in-toto Statement says, before anyone asks who signed it. */
export interface StatementContent extends BuildFacts {
  statementType: string | null;
  predicateType: string | null;
  /** Capped at `maxSubjectsPerStatement`. */
  subjects: SubjectSummary[];
  subjectCount: number;
  /** Every subject's sha256 digest (lower-case hex), for matching; not capped here. */
  sha256: string[];
  warnings: string[];
}

const STATEMENT_TYPES = new Set([
  'https://in-toto.io/Statement/v0.1',
  'https://in-toto.io/Statement/v1',
]);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Summarizes an in-toto Statement found at `where` (for messages: `line 2: $.dsseEnvelope.payload`). */
export function readStatement(statement: JsonObject, where: string): StatementContent {
  const warnings: string[] = [];
  const statementType = stringAt(statement, '_type') ?? null;
  if (statementType === null) {
    warnings.push(`${where}: the statement has no _type`);
  } else if (!STATEMENT_TYPES.has(statementType)) {
    warnings.push(
      `${where}: _type ${JSON.stringify(cut(statementType, 200))} is not an in-toto Statement v0.1 or v1`,
    );
  }
  const predicateType = stringAt(statement, 'predicateType') ?? null;
  if (predicateType === null) warnings.push(`${where}: the statement has no predicateType`);
  // Cloud Build's v0.1 statements carry the predicate as `slsaProvenance`.
  const predicate = statement.predicate ?? statement.slsaProvenance;
  const subjects = readSubjects(statement.subject, where, warnings);
  return {
    statementType,
    predicateType,
    ...subjects,
    ...buildFacts(predicateType, predicate),
    warnings,
  };
}

/** A bare SLSA predicate (no Statement around it): facts without subjects, and a warning. */
export function readBarePredicate(
  predicate: JsonObject,
  where: string,
): StatementContent | undefined {
  const predicateType = bareSlsaPredicateType(predicate);
  if (!predicateType) return undefined;
  return {
    statementType: null,
    predicateType: null,
    subjects: [],
    subjectCount: 0,
    sha256: [],
    ...buildFacts(predicateType, predicate),
    warnings: [
      `${where}: a bare SLSA provenance predicate without an in-toto Statement around it: it names no subjects, so it covers no artifact, and it carries no signature`,
    ],
  };
}

/** A statement that could not be read (a payload that is not in-toto): only warnings. */
export function emptyStatement(warning: string): StatementContent {
  return {
    statementType: null,
    predicateType: null,
    subjects: [],
    subjectCount: 0,
    sha256: [],
    ...NO_BUILD_FACTS,
    warnings: [warning],
  };
}

function readSubjects(
  value: unknown,
  where: string,
  warnings: string[],
): Pick<StatementContent, 'subjects' | 'subjectCount' | 'sha256'> {
  const subjects: SubjectSummary[] = [];
  const sha256: string[] = [];
  if (value === undefined) {
    warnings.push(`${where}: the statement names no subject`);
    return { subjects, subjectCount: 0, sha256 };
  }
  if (!Array.isArray(value)) {
    warnings.push(`${where}.subject: expected an array, found ${describeJson(value)}`);
    return { subjects, subjectCount: 0, sha256 };
  }
  let withoutDigest = 0;
  let badSha256 = 0;
  value.forEach((item, index) => {
    if (!isObject(item)) {
      warnings.push(`${where}.subject[${index}]: expected an object, found ${describeJson(item)}`);
      return;
    }
    const digest: Record<string, string> = {};
    let algorithms = 0;
    if (isObject(item.digest)) {
      for (const [algorithm, hex] of Object.entries(item.digest)) {
        if (typeof hex !== 'string' || algorithms >= PROVENANCE_LIMITS.maxDigestAlgorithms)
          continue;
        const name = algorithm.toLowerCase().slice(0, 64);
        digest[name] = hex.length > 256 ? hex.slice(0, 256) : hex;
        algorithms++;
        if (name === 'sha256') {
          const normal = hex.toLowerCase();
          if (SHA256_HEX.test(normal)) sha256.push(normal);
          else badSha256++;
        }
      }
    }
    if (algorithms === 0) withoutDigest++;
    if (subjects.length < PROVENANCE_LIMITS.maxSubjectsPerStatement) {
      const name = stringAt(item, 'name') ?? stringAt(item, 'uri');
      subjects.push({ name: name === undefined ? null : cut(name), digest });
    }
  });
  if (withoutDigest > 0) {
    warnings.push(`${where}.subject: ${withoutDigest} subject(s) carry no digest`);
  }
  if (badSha256 > 0) {
    warnings.push(`${where}.subject: ${badSha256} sha256 digest(s) are not 64 hexadecimal digits`);
  }
  if (value.length > PROVENANCE_LIMITS.maxSubjectsPerStatement) {
    warnings.push(
      `${where}.subject: ${value.length} subjects; the first ${PROVENANCE_LIMITS.maxSubjectsPerStatement} are listed`,
    );
  }
  return { subjects, subjectCount: value.length, sha256 };
}
