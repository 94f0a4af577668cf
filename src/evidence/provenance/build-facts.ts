import {
  arrayAt,
  isObject,
  type JsonObject,
  objectAt,
  pathAt,
  stringAt,
  stringPath,
} from './json-value.ts';

/** Who built the subjects, how, and from which source. Null where the predicate does not say. */
export interface BuildFacts {
  builderId: string | null;
  buildType: string | null;
  sourceRepo: string | null;
  sourceRef: string | null;
  sourceCommit: string | null;
}

export const NO_BUILD_FACTS: BuildFacts = {
  builderId: null,
  buildType: null,
  sourceRepo: null,
  sourceRef: null,
  sourceCommit: null,
};

const SLSA_V1 = /^https:\/\/slsa\.dev\/provenance\/v1(?:\.\d+)?(?:\?draft)?$/;
const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
const SLSA_V01 = 'https://slsa.dev/provenance/v0.1';
const WITNESS_COLLECTION = /^https:\/\/witness\.(?:testifysec\.com|dev)\/attestation-collection\//;

/** Reads builder, build type and source from a predicate, by predicate type. */
export function buildFacts(predicateType: string | null, predicate: unknown): BuildFacts {
  if (!isObject(predicate)) return NO_BUILD_FACTS;
  if (predicateType !== null && SLSA_V1.test(predicateType)) return slsaV1Facts(predicate);
  if (predicateType === SLSA_V02) return slsaV02Facts(predicate);
  if (predicateType === SLSA_V01) return slsaV01Facts(predicate);
  if (predicateType !== null && WITNESS_COLLECTION.test(predicateType)) {
    return witnessFacts(predicate);
  }
  return NO_BUILD_FACTS;
}

/** For a bare predicate without a Statement: which SLSA shape it has, if any. */
export function bareSlsaPredicateType(predicate: JsonObject): string | undefined {
  if (isObject(predicate.buildDefinition) && isObject(predicate.runDetails)) {
    return 'https://slsa.dev/provenance/v1';
  }
  if (isObject(predicate.builder) && (isObject(predicate.invocation) || 'buildType' in predicate)) {
    return SLSA_V02;
  }
  return undefined;
}

function slsaV1Facts(predicate: JsonObject): BuildFacts {
  const definition = objectAt(predicate, 'buildDefinition');
  const external = objectAt(definition, 'externalParameters');
  const internal =
    objectAt(definition, 'internalParameters') ?? objectAt(definition, 'systemParameters');
  const workflow = objectAt(external, 'workflow');
  let source = gitSource(stringAt(workflow, 'repository'), stringAt(workflow, 'ref'));
  const dependency = firstGitDependency(arrayAt(definition, 'resolvedDependencies'));
  const sourceArtifact =
    objectAt(objectAt(external, 'source'), 'artifact') ?? objectAt(external, 'source');
  source = merge(source, dependency, gitDependency(sourceArtifact), githubEnvironment(internal));
  return {
    builderId: stringPath(predicate, 'runDetails', 'builder', 'id') ?? null,
    buildType: stringAt(definition, 'buildType') ?? null,
    ...source,
  };
}

function slsaV02Facts(predicate: JsonObject): BuildFacts {
  const invocation = objectAt(predicate, 'invocation');
  const configSource = gitDependency(objectAt(invocation, 'configSource'));
  const material = firstGitDependency(arrayAt(predicate, 'materials'));
  const source = merge(
    configSource,
    material,
    githubEnvironment(objectAt(invocation, 'environment')),
  );
  return {
    builderId: stringPath(predicate, 'builder', 'id') ?? null,
    buildType: stringAt(predicate, 'buildType') ?? null,
    ...source,
  };
}

function slsaV01Facts(predicate: JsonObject): BuildFacts {
  const material = firstGitDependency(arrayAt(predicate, 'materials'), true);
  const substitutions = objectAt(pathAt(predicate, 'recipe', 'arguments'), 'substitutions');
  const fromSubstitutions: Source = {
    sourceRepo: null,
    sourceRef: stringAt(substitutions, 'REF_NAME') ?? null,
    sourceCommit: stringAt(substitutions, 'COMMIT_SHA') ?? null,
  };
  return {
    builderId: stringPath(predicate, 'builder', 'id') ?? null,
    buildType: stringPath(predicate, 'recipe', 'type') ?? null,
    ...merge(material, fromSubstitutions),
  };
}

function witnessFacts(predicate: JsonObject): BuildFacts {
  let source: Source = { sourceRepo: null, sourceRef: null, sourceCommit: null };
  for (const entry of arrayAt(predicate, 'attestations') ?? []) {
    const type = stringAt(entry, 'type') ?? '';
    const attestation = objectAt(entry, 'attestation');
    if (/\/attestations\/git\//.test(type)) {
      const remotes = arrayAt(attestation, 'remotes');
      source = merge(source, {
        sourceRepo: typeof remotes?.[0] === 'string' ? remotes[0] : null,
        sourceRef: stringAt(attestation, 'refnameshort') ?? null,
        sourceCommit: stringAt(attestation, 'commithash') ?? null,
      });
    } else if (/\/attestations\/github\//.test(type)) {
      source = merge(source, {
        sourceRepo: stringAt(attestation, 'projecturl') ?? null,
        sourceRef: null,
        sourceCommit: null,
      });
    }
  }
  return { builderId: null, buildType: null, ...source };
}

type Source = Pick<BuildFacts, 'sourceRepo' | 'sourceRef' | 'sourceCommit'>;

/**
 * The first non-null value of each field, in the order given; a later source that names a
 * different repository contributes nothing (its ref and commit belong to that other repository).
 */
function merge(...sources: Source[]): Source {
  const result: Source = { sourceRepo: null, sourceRef: null, sourceCommit: null };
  for (const source of sources) {
    if (result.sourceRepo && source.sourceRepo && !sameRepo(result.sourceRepo, source.sourceRepo)) {
      continue;
    }
    result.sourceRepo ??= source.sourceRepo;
    result.sourceRef ??= source.sourceRef;
    result.sourceCommit ??= source.sourceCommit;
  }
  return result;
}

function sameRepo(a: string, b: string): boolean {
  const normal = (url: string) =>
    url
      .replace(/^git\+/, '')
      .replace(/\.git$/, '')
      .replace(/\/+$/, '')
      .toLowerCase();
  return normal(a) === normal(b);
}

function gitSource(repository: string | undefined, ref: string | undefined): Source {
  return { sourceRepo: repository ?? null, sourceRef: ref ?? null, sourceCommit: null };
}

/** A resource descriptor or SLSA v0.2 material: `git+https://host/repo@ref` and a commit digest. */
function gitDependency(descriptor: JsonObject | undefined, anyUri = false): Source {
  const uri = stringAt(descriptor, 'uri');
  if (!uri || (!anyUri && !uri.startsWith('git+'))) {
    return { sourceRepo: null, sourceRef: null, sourceCommit: null };
  }
  const { repo, ref } = splitGitUri(uri);
  const digest = objectAt(descriptor, 'digest');
  return {
    sourceRepo: repo,
    sourceRef: ref,
    sourceCommit: stringAt(digest, 'gitCommit') ?? stringAt(digest, 'sha1') ?? null,
  };
}

function firstGitDependency(list: unknown[] | undefined, anyUri = false): Source {
  for (const item of list ?? []) {
    if (!isObject(item)) continue;
    const source = gitDependency(item, anyUri);
    if (source.sourceRepo) return source;
  }
  return { sourceRepo: null, sourceRef: null, sourceCommit: null };
}

/** `git+https://github.com/o/r@refs/tags/v1` → repo `https://github.com/o/r`, ref `refs/tags/v1`. */
export function splitGitUri(uri: string): { repo: string; ref: string | null } {
  const bare = uri.startsWith('git+') ? uri.slice(4) : uri;
  const scheme = bare.indexOf('://');
  const pathStart = bare.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  const at = bare.lastIndexOf('@');
  if (pathStart !== -1 && at > pathStart) {
    return { repo: bare.slice(0, at), ref: bare.slice(at + 1) || null };
  }
  return { repo: bare, ref: null };
}

/**
 * GitHub Actions variables as builders record them: `GITHUB_REPOSITORY`/`github_repository`,
 * `GITHUB_SHA`/`github_sha1`, `GITHUB_REF`, or the workflow ref `owner/repo/.github/…@ref`.
 * Values may be plain strings or `{ value }` (slsa-github-generator's draft v1).
 */
function githubEnvironment(environment: JsonObject | undefined): Source {
  if (!environment) return { sourceRepo: null, sourceRef: null, sourceCommit: null };
  const read = (...names: string[]) => {
    for (const name of names) {
      const value = environment[name];
      if (typeof value === 'string' && value !== '') return value;
      const wrapped = stringAt(value, 'value');
      if (wrapped) return wrapped;
    }
    return undefined;
  };
  let repository = read('GITHUB_REPOSITORY', 'github_repository');
  const workflowRef = read('GITHUB_WORKFLOW_REF', 'github_workflow_ref');
  if (!repository && workflowRef) {
    const match = /^([^/@]+\/[^/@]+)\/\.github\//.exec(workflowRef);
    repository = match?.[1];
  }
  const server = read('GITHUB_SERVER_URL', 'github_server_url') ?? 'https://github.com';
  return {
    sourceRepo: repository ? `${server}/${repository}` : null,
    sourceRef: read('GITHUB_REF', 'github_ref') ?? null,
    sourceCommit: read('GITHUB_SHA', 'github_sha1', 'github_sha') ?? null,
  };
}
