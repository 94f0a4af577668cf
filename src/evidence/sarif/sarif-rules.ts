import {
  asArray,
  asFiniteNumber,
  asString,
  asText,
  isObject,
  type JsonObject,
} from '../json/json-values.ts';

export interface RuleLookup {
  rule: JsonObject | undefined;
  /** The rule's position in its component's `rules`. */
  index: number | undefined;
  id: string | undefined;
  component: JsonObject | undefined;
  /** Why a rule reference could not be followed. */
  problem: string | undefined;
}

/** The tool components of one run and an id → rule index for each, built when first needed. */
export class RunRules {
  readonly driver: JsonObject | undefined;
  readonly extensions: readonly unknown[];
  readonly #invocations: readonly unknown[];
  readonly #byId = new Map<JsonObject, Map<string, { rule: JsonObject; index: number }>>();

  constructor(run: JsonObject) {
    const tool = isObject(run.tool) ? run.tool : undefined;
    this.driver = isObject(tool?.driver) ? tool.driver : undefined;
    this.extensions = asArray(tool?.extensions);
    this.#invocations = asArray(run.invocations);
  }

  /**
   * The reporting descriptor a result refers to (SARIF 2.1.0 §3.27.5–3.27.7, §3.52): by
   * `ruleIndex` or `rule.index` into the component's `rules`, else by id (a hierarchical id
   * `a/b` also matches rule `a`). The component is the driver unless `rule.toolComponent`
   * names an extension. `problem` says why a reference could not be followed.
   */
  find(result: JsonObject): RuleLookup {
    const reference = isObject(result.rule) ? result.rule : undefined;
    const id = asText(result.ruleId) ?? asText(reference?.id);
    const component = this.#component(reference);
    const rules = asArray(component?.rules);
    const index = asFiniteNumber(result.ruleIndex) ?? asFiniteNumber(reference?.index);
    if (index !== undefined && index !== -1) {
      const rule = rules[index];
      if (Number.isInteger(index) && index >= 0 && isObject(rule)) {
        return { rule, index, id: id ?? asText(rule.id), component, problem: undefined };
      }
      const problem = `ruleIndex ${index} is outside the tool's ${rules.length} rules`;
      return { rule: undefined, index: undefined, id, component, problem };
    }
    const none = { rule: undefined, index: undefined, id, component, problem: undefined };
    if (id === undefined || !component) return none;
    const byId = this.#index(component);
    const entry = byId.get(id) ?? byId.get(id.split('/')[0] ?? id);
    return entry ? { ...none, rule: entry.rule, index: entry.index } : none;
  }

  /**
   * SARIF 2.1.0 §3.27.10: the level an invocation's `ruleConfigurationOverrides` gives the
   * result's rule, in the invocation `provenance.invocationIndex` names (or the only one).
   */
  overriddenLevel(result: JsonObject, lookup: RuleLookup): unknown {
    if (!lookup.rule) return undefined;
    const provenance = isObject(result.provenance) ? result.provenance : undefined;
    const at = asFiniteNumber(provenance?.invocationIndex);
    const invocation =
      at !== undefined
        ? this.#invocations[at]
        : this.#invocations.length === 1
          ? this.#invocations[0]
          : undefined;
    if (!isObject(invocation)) return undefined;
    const ruleId = asText(lookup.rule.id);
    for (const override of asArray(invocation.ruleConfigurationOverrides)) {
      if (!isObject(override) || !isObject(override.descriptor)) continue;
      const descriptor = override.descriptor;
      const matches =
        descriptor.index !== undefined
          ? descriptor.index === lookup.index
          : ruleId !== undefined && asText(descriptor.id) === ruleId;
      if (matches && isObject(override.configuration)) return override.configuration.level;
    }
    return undefined;
  }

  #component(reference: JsonObject | undefined): JsonObject | undefined {
    const target = isObject(reference?.toolComponent) ? reference.toolComponent : undefined;
    if (!target) return this.driver;
    const index = asFiniteNumber(target.index);
    if (index !== undefined) {
      const extension = this.extensions[index];
      return isObject(extension) ? extension : undefined;
    }
    const name = asString(target.name);
    const guid = asString(target.guid);
    if (name === undefined && guid === undefined) return this.driver;
    if (name !== undefined && name === asString(this.driver?.name)) return this.driver;
    const extension = this.extensions.find(
      (candidate) =>
        isObject(candidate) &&
        ((guid !== undefined && candidate.guid === guid) ||
          (name !== undefined && candidate.name === name)),
    );
    return isObject(extension) ? extension : undefined;
  }

  #index(component: JsonObject): Map<string, { rule: JsonObject; index: number }> {
    let byId = this.#byId.get(component);
    if (!byId) {
      const built = new Map<string, { rule: JsonObject; index: number }>();
      asArray(component.rules).forEach((rule, index) => {
        const id = isObject(rule) ? asText(rule.id) : undefined;
        if (id !== undefined && isObject(rule) && !built.has(id)) built.set(id, { rule, index });
      });
      byId = built;
      this.#byId.set(component, byId);
    }
    return byId;
  }
}

/** The rule's human name: `name`, else its short description. */
export function ruleName(rule: JsonObject | undefined): string | undefined {
  if (!rule) return undefined;
  const short = isObject(rule.shortDescription) ? asText(rule.shortDescription.text) : undefined;
  return asText(rule.name) ?? short;
}

/**
 * SARIF 2.1.0 §3.11: a message's `text` (else `markdown`), or the string its `id` names in the
 * rule's `messageStrings`, then the component's `globalMessageStrings`; `{0}`-style
 * placeholders are filled from `arguments` (§3.11.5), with `{{` and `}}` standing for braces.
 */
export function messageText(
  message: unknown,
  rule: JsonObject | undefined,
  component: JsonObject | undefined,
): string | undefined {
  if (!isObject(message)) return asText(message);
  let template = asString(message.text) ?? asString(message.markdown);
  const id = asText(message.id);
  if (template === undefined && id !== undefined) {
    template =
      lookupString(rule?.messageStrings, id) ?? lookupString(component?.globalMessageStrings, id);
  }
  if (template === undefined) return undefined;
  const args = asArray(message.arguments);
  if (args.length === 0) return template;
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index?: string) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const value = args[Number(index)];
    return typeof value === 'string' ? value : match;
  });
}

function lookupString(strings: unknown, id: string): string | undefined {
  if (!isObject(strings)) return undefined;
  const entry = Object.hasOwn(strings, id) ? strings[id] : undefined;
  return isObject(entry) ? (asString(entry.text) ?? asString(entry.markdown)) : undefined;
}

/** The first location's artifact URI (directly or through `run.artifacts`) and start line. */
export function firstLocation(
  result: JsonObject,
  artifacts: readonly unknown[],
): { uri: string | null; startLine: number | null } {
  const location = asArray(result.locations)[0];
  const physical = isObject(location) ? location.physicalLocation : undefined;
  if (!isObject(physical)) return { uri: null, startLine: null };
  const artifact = isObject(physical.artifactLocation) ? physical.artifactLocation : undefined;
  let uri = asText(artifact?.uri);
  const index = asFiniteNumber(artifact?.index);
  if (uri === undefined && index !== undefined) {
    const listed = artifacts[index];
    const listedLocation = isObject(listed) ? listed.location : undefined;
    uri = isObject(listedLocation) ? asText(listedLocation.uri) : undefined;
  }
  const region = isObject(physical.region) ? physical.region : undefined;
  const startLine = asFiniteNumber(region?.startLine);
  return {
    uri: uri ?? null,
    startLine: startLine !== undefined && Number.isInteger(startLine) ? startLine : null,
  };
}
