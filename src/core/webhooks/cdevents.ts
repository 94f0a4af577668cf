import { commits, type JsonObject, obj, safeName, str } from './json-access.ts';
import {
  type DeploymentEventStatus,
  ignored,
  type MappedEvent,
  type ReleaseLink,
} from './webhook-source.ts';

/**
 * Maps one CDEvents event (the JSON body, https://cdevents.dev/docs/) to what Dossier keeps of it.
 * Spec versions 0.3 to 0.6-draft differ in small ways (`version` vs `specversion`, `url` vs
 * `uri`, `subject.type` dropped); each reader takes either.
 */
export function mapCdevent(payload: unknown): MappedEvent {
  const body = obj(payload);
  const type = cdeventType(body);
  if (type === undefined) {
    return ignored(str(obj(body, 'context'), 'type') ?? 'unknown', 'not a CDEvents event type');
  }
  const event = `${type.subject}.${type.predicate}`;
  switch (event) {
    case 'pipelinerun.finished':
      return pipelineRunFinished(event, body);
    case 'testcaserun.finished':
    case 'testcaserun.skipped':
    case 'testsuiterun.finished':
      return testRun(event, body, type.subject);
    case 'artifact.published':
      return artifactPublished(event, body);
    case 'service.deployed':
    case 'service.upgraded':
    case 'service.rolledback':
      return serviceDeployed(event, body);
    default:
      return ignored(event, `CDEvents "${event}" is not mapped`);
  }
}

/** `dev.cdevents.<subject>.<predicate>.<version>`; custom (`dev.cdeventsx.…`) types are not ours. */
export function cdeventType(body: JsonObject): { subject: string; predicate: string } | undefined {
  const match = /^dev\.cdevents\.([a-z]+)\.([a-z]+)\.\d+\.\d+\.\d+(?:-[\w.]+)?$/.exec(
    str(obj(body, 'context'), 'type') ?? '',
  );
  return match?.[1] && match[2] ? { subject: match[1], predicate: match[2] } : undefined;
}

/** The event's id: unique per event, so it is the delivery id too. */
export function cdeventId(payload: unknown): string | null {
  return str(obj(payload, 'context'), 'id', 256);
}

/** `pkg:oci/app@sha256%3Aabc…` → `sha256:abc…`, when a purl or id carries a digest. */
export function digestFrom(value: string | null): string | null {
  if (value === null) return null;
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // Not percent-encoded after all: read it as it is.
  }
  const match = /sha256:([0-9a-f]{64})(?![0-9a-f])/i.exec(decoded);
  return match?.[1] ? `sha256:${match[1].toLowerCase()}` : null;
}

/**
 * CDEvents carry no commit SHA of their own. A sender links an event to a release by naming it
 * in `customData.dossier` (`{ "release": "<id or tag>", "commit": "<sha>" }`), or through the
 * artifact digest the subject names.
 */
function linkOf(body: JsonObject, artifactIds: Array<string | null>): ReleaseLink {
  const dossier = obj(body, 'customData', 'dossier');
  const release = str(dossier, 'release', 200);
  return {
    commits: commits(str(dossier, 'commit')),
    artifacts: [...new Set(artifactIds.map(digestFrom).filter((d): d is string => d !== null))],
    releases: release ? [release] : [],
  };
}

function contextFacts(body: JsonObject, event: string) {
  const context = obj(body, 'context');
  return {
    source: 'cdevents',
    event,
    eventId: str(context, 'id', 256),
    eventSource: str(context, 'source'),
    specVersion: str(context, 'specversion') ?? str(context, 'version'),
    timestamp: str(context, 'timestamp'),
  };
}

/** pipelineRun outcomes: success, error, failure. */
function pipelineRunFinished(event: string, body: JsonObject): MappedEvent {
  const subject = obj(body, 'subject');
  const content = obj(subject, 'content');
  const outcome = str(content, 'outcome');
  const conclusion = outcome === 'success' ? 'success' : outcome === null ? 'unknown' : 'failure';
  const facts = contextFacts(body, event);
  return {
    type: 'evidence',
    event,
    kind: 'pipeline-run',
    name: `cdevents-pipelinerun-${safeName(str(subject, 'id'))}-${safeName(facts.eventId)}.json`,
    summary: {
      ...facts,
      pipeline: str(content, 'pipelineName'),
      runId: str(subject, 'id'),
      runNumber: null,
      attempt: null,
      runUrl: str(content, 'uri') ?? str(content, 'url'),
      status: 'completed',
      conclusion,
      rawConclusion: outcome,
      passed: conclusion === 'success',
      errors: str(content, 'errors', 2000),
      repository: null,
      branch: null,
      commit: str(obj(body, 'customData', 'dossier'), 'commit'),
      trigger: null,
      startedAt: null,
      finishedAt: facts.timestamp,
      actor: null,
    },
    link: linkOf(body, []),
  };
}

/** testCaseRun/testSuiteRun outcomes: pass, fail, cancel, error (0.6-draft also writes success). */
function testOutcome(event: string, outcome: string | null): string {
  if (event.endsWith('.skipped')) return 'skipped';
  switch (outcome) {
    case 'pass':
    case 'success':
      return 'passed';
    case 'fail':
    case 'failure':
      return 'failed';
    case 'cancel':
      return 'cancelled';
    case 'error':
      return 'error';
    default:
      return 'unknown';
  }
}

function testRun(event: string, body: JsonObject, subjectType: string): MappedEvent {
  const subject = obj(body, 'subject');
  const content = obj(subject, 'content');
  const outcome = testOutcome(event, str(content, 'outcome'));
  const testCase = obj(content, 'testCase');
  const testSuite = obj(content, 'testSuite');
  const facts = contextFacts(body, event);
  return {
    type: 'evidence',
    event,
    kind: 'test-run',
    name: `cdevents-${subjectType}-${safeName(str(subject, 'id'))}-${safeName(facts.eventId)}.json`,
    summary: {
      ...facts,
      scope: subjectType === 'testsuiterun' ? 'suite' : 'case',
      runId: str(subject, 'id'),
      name: str(testCase, 'name') ?? str(testSuite, 'name'),
      testId: str(testCase, 'id') ?? str(testSuite, 'id'),
      testType: str(testCase, 'type'),
      outcome,
      rawOutcome: str(content, 'outcome'),
      passed: outcome === 'passed',
      reason: str(content, 'reason', 2000),
      environment: str(obj(content, 'environment'), 'id'),
      testSuiteRun: str(obj(content, 'testSuiteRun'), 'id'),
    },
    link: linkOf(body, []),
  };
}

function artifactPublished(event: string, body: JsonObject): MappedEvent {
  const subject = obj(body, 'subject');
  const content = obj(subject, 'content');
  const artifactId = str(subject, 'id');
  const facts = contextFacts(body, event);
  return {
    type: 'evidence',
    event,
    kind: 'artifact',
    name: `cdevents-artifact-${safeName(facts.eventId)}.json`,
    summary: {
      ...facts,
      artifactId,
      digest: digestFrom(artifactId),
      sbomUri: str(obj(content, 'sbom'), 'uri'),
      publishedBy: str(content, 'user'),
    },
    link: linkOf(body, [artifactId]),
  };
}

function serviceDeployed(event: string, body: JsonObject): MappedEvent {
  const subject = obj(body, 'subject');
  const content = obj(subject, 'content');
  const status: DeploymentEventStatus =
    event === 'service.rolledback' ? 'rolled-back' : 'succeeded';
  const environment = str(obj(content, 'environment'), 'id') ?? 'unknown';
  const artifactId = str(content, 'artifactId');
  const digest = digestFrom(artifactId);
  const facts = contextFacts(body, event);
  const link = linkOf(body, [artifactId]);
  return {
    type: 'evidence',
    event,
    kind: 'deployment',
    name: `cdevents-${event.replace('.', '-')}-${safeName(facts.eventId)}.json`,
    summary: {
      ...facts,
      environment,
      status,
      rawStatus: event,
      deploymentId: facts.eventId,
      service: str(subject, 'id'),
      artifactId,
      digest,
      commit: link.commits[0] ?? null,
      url: null,
      deployer: null,
      at: facts.timestamp,
    },
    link,
    deployment: {
      source: 'cdevents',
      environment,
      status,
      commit: link.commits[0] ?? null,
      artifacts: digest ? [digest] : [],
      externalId: facts.eventId,
      url: null,
      deployer: null,
      at: facts.timestamp,
    },
  };
}
