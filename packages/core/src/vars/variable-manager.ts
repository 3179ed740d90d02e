import { dirname } from 'node:path';
import { KbrunError } from '../errors/kbrun-error.js';
import { attachExpressionContext, type ExpressionContext } from '../expr/expression-context.js';
import type { Inventory } from '../inventory/inventory.js';
import type { NodeBase } from '../language/model.js';
import { processSecrets } from '../secrets/process-secrets.js';
import type { SourceLocation } from '../source/location.js';
import { OMIT, Templar } from '../template/templar.js';
import { nodeMagic, searchPathOf } from './node-magic.js';

type Vars = Record<string, unknown>;

/** A source of variables with the keys whose values are templates (rendered lazily, on use, like Ansible). */
interface Layer {
  values: Readonly<Vars>;
  templated: readonly string[];
  location?: SourceLocation | undefined;
}

/** Builds a layer, noting which values hold templates. */
export function layer(values: Readonly<Vars>, location?: SourceLocation): Layer {
  return { values, templated: Object.keys(values).filter((k) => Templar.containsTemplate(values[k])), location };
}

/** The variable layers a task brings: role defaults (lowest) and block/role/task vars; the node gives role magic variables. */
export interface TaskScope {
  defaults: readonly Layer[];
  layers: readonly Layer[];
  node?: NodeBase;
}

/** Makes the lookup context of a task's variables (the engine's, kept out of reach of expressions). */
export type ContextFactory = (vars: Readonly<Vars>, node: NodeBase | undefined) => ExpressionContext;

const NO_SCOPE: TaskScope = { defaults: [], layers: [] };

/** Per-host state that tasks change: `set_fact`, `register`, `include_vars`. */
interface HostState {
  facts: Vars;
  /** Facts whose templates are rendered on use (from `include_vars`). */
  templated: Set<string>;
  version: number;
}

/**
 * Assembles each host's variables with Ansible's precedence (low → high):
 * inventory group vars (`all` < parent < child) < inventory host vars < play `vars` < `vars_files`
 * < block/task vars < `set_fact`/`register`/`include_vars` < extra vars (`-e`).
 * Values holding templates are rendered when first read, against the final merged variables.
 */
export class VariableManager {
  private readonly state = new Map<string, HostState>();
  private playLayers: Layer[] = [];
  private playDefaults: Layer[] = [];
  private readonly extra: Layer;
  private groups: Record<string, string[]>;
  private readonly hostvarsCache = new Map<string, { version: number; vars: Vars }>();
  readonly hostvars: Vars;
  private playMagic: Vars = {};
  private readonly inventoryLayers = new Map<string, { layer: Layer; groupNames: string[] }>();

  constructor(
    private readonly inventory: Inventory,
    private readonly templar: Templar,
    extraVars: Vars,
    private readonly magic: Vars & { playbook_dir: string },
    private readonly contextFor?: ContextFactory,
  ) {
    this.extra = layer(extraVars);
    this.groups = inventory.groupsMap();
    this.hostvars = this.hostvarsProxy();
  }

  /**
   * Starts a play: its vars, vars_files and its roles' vars become the play layers, its roles' defaults the lowest
   * layers of every task; `ansible_play_*` is set.
   */
  startPlay(playLayers: Layer[], playMagic: Vars, playDefaults: Layer[] = []): void {
    this.playLayers = playLayers;
    this.playDefaults = playDefaults;
    this.playMagic = playMagic;
    this.hostvarsCache.clear();
  }

  /** Updates play-wide magic variables (`ansible_play_hosts` shrinks as hosts fail). */
  setPlayMagic(name: string, value: unknown): void {
    this.playMagic[name] = value;
  }

  /** Variables of every host, for the redactor and `hostvars`. */
  inventoryVars(host: string): Readonly<Vars> {
    return this.inventoryLayer(host).layer.values;
  }

  /**
   * Stores facts (set_fact, register, include_vars) on a host; with `templated` (include_vars), templates in the
   * values are rendered when the variables are used, as Ansible does.
   */
  setFacts(host: string, facts: Readonly<Vars>, options: { templated?: boolean } = {}): void {
    const state = this.hostState(host);
    Object.assign(state.facts, facts);
    for (const [key, value] of Object.entries(facts)) {
      if (options.templated && Templar.containsTemplate(value)) state.templated.add(key);
      else state.templated.delete(key);
    }
    state.version++;
  }

  /** Stores gathered facts (`setup`): merged into `ansible_facts` and exposed as `ansible_<name>` variables. */
  setGatheredFacts(host: string, facts: Readonly<Vars>): void {
    const current = this.hostState(host).facts['ansible_facts'];
    const merged = { ...(current && typeof current === 'object' ? (current as Vars) : {}), ...facts };
    const flat: Vars = { ansible_facts: merged };
    for (const [name, value] of Object.entries(facts)) flat[name.startsWith('ansible_') ? name : `ansible_${name}`] = value;
    this.setFacts(host, flat);
  }

  /** True once facts were gathered for the host in this run. */
  hasGatheredFacts(host: string): boolean {
    return this.hostState(host).facts['ansible_facts'] !== undefined;
  }

  /** The host's facts layer (read-only view). */
  facts(host: string): Readonly<Vars> {
    return this.hostState(host).facts;
  }

  /**
   * Variables of a host for one task: `scope.defaults` are role defaults (below everything), `scope.layers`
   * block/role/task vars (above the play's); `loopVars` are item, ansible_loop, include and rescue variables.
   */
  forTask(host: string, scope: TaskScope = NO_SCOPE, loopVars?: Readonly<Vars>): Vars {
    const inventory = this.inventoryLayer(host);
    const layers: Layer[] = [
      ...this.playDefaults,
      ...scope.defaults,
      inventory.layer,
      ...this.playLayers,
      ...scope.layers,
      { values: this.hostState(host).facts, templated: [...this.hostState(host).templated] },
      this.extra,
    ];
    const vars = this.merge(layers);
    Object.assign(vars, this.magic, this.playMagic);
    const source = this.inventory.hosts.get(host)?.source;
    vars['inventory_hostname'] = host;
    vars['inventory_hostname_short'] = host.split('.')[0];
    vars['inventory_file'] = source ?? null;
    vars['inventory_dir'] = source === undefined ? null : dirname(source);
    vars['group_names'] = inventory.groupNames;
    vars['groups'] = this.groups;
    vars['hostvars'] = this.hostvars;
    vars['omit'] = OMIT;
    if (!Object.hasOwn(vars, 'ansible_facts')) vars['ansible_facts'] = {};
    // `vars`: every variable of the task by name (`vars['app_' + name]`), as in Ansible; not enumerable, so nothing walks into the cycle.
    if (!Object.hasOwn(vars, 'vars')) Object.defineProperty(vars, 'vars', { value: vars, enumerable: false, configurable: true, writable: true });
    if (scope.node) Object.assign(vars, nodeMagic(scope.node, this.magic.playbook_dir));
    else vars['ansible_search_path'] = searchPathOf(undefined, this.magic.playbook_dir);
    if (loopVars) Object.assign(vars, loopVars);
    if (this.contextFor) attachExpressionContext(vars, this.contextFor(vars, scope.node));
    return vars;
  }

  /** Refreshes `groups` and inventory variables after the inventory changed. */
  refreshInventory(): void {
    this.groups = this.inventory.groupsMap();
    this.inventoryLayers.clear();
    this.hostvarsCache.clear();
  }

  private inventoryLayer(host: string): { layer: Layer; groupNames: string[] } {
    let cached = this.inventoryLayers.get(host);
    if (!cached) {
      cached = { layer: layer(this.inventory.hostVars(host)), groupNames: this.inventory.groupNames(host) };
      this.inventoryLayers.set(host, cached);
    }
    return cached;
  }

  private hostState(host: string): HostState {
    let state = this.state.get(host);
    if (!state) {
      state = { facts: {}, templated: new Set(), version: 0 };
      this.state.set(host, state);
    }
    return state;
  }

  /** Merges layers into one object; the winning templated values become lazy, cached, cycle-checked getters. */
  private merge(layers: readonly Layer[]): Vars {
    const vars: Vars = {};
    let lazy: Map<string, Layer> | undefined;
    for (const l of layers) {
      Object.assign(vars, l.values);
      if (lazy) for (const key of Object.keys(l.values)) lazy.delete(key);
      if (l.templated.length > 0) {
        lazy ??= new Map();
        for (const key of l.templated) lazy.set(key, l);
      }
    }
    if (lazy) for (const [key, l] of lazy) this.defineLazy(vars, key, l.values[key], l.location);
    return vars;
  }

  private defineLazy(vars: Vars, key: string, raw: unknown, location: SourceLocation | undefined): void {
    let resolving = false;
    Object.defineProperty(vars, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (resolving) {
          throw new KbrunError('E_TEMPLATE', `variable '${key}' refers to itself (recursive template: ${JSON.stringify(raw)})`, { location, hint: 'give the variable a value that does not depend on itself' });
        }
        resolving = true;
        try {
          const value = this.templar.renderDeep(raw, vars, location);
          // What a secret-named variable renders to (a password lookup, a vault value) is redacted everywhere.
          const { redactor } = processSecrets();
          if (redactor.isSecretName(key)) redactor.collect({ [key]: value });
          Object.defineProperty(vars, key, { value, enumerable: true, configurable: true, writable: true });
          return value;
        } finally {
          resolving = false;
        }
      },
    });
  }

  /** `hostvars`: every host's variables (without task-level vars), built on first access and cached until its facts change. */
  private hostvarsProxy(): Vars {
    const get = (host: string): Vars | undefined => {
      if (!this.inventory.hosts.has(host)) return undefined;
      const version = this.hostState(host).version;
      const cached = this.hostvarsCache.get(host);
      if (cached && cached.version === version) return cached.vars;
      const vars = this.forTask(host);
      this.hostvarsCache.set(host, { version, vars });
      return vars;
    };
    return new Proxy(Object.create(null) as Vars, {
      get: (_t, key) => (typeof key === 'string' ? get(key) : undefined),
      has: (_t, key) => typeof key === 'string' && this.inventory.hosts.has(key),
      ownKeys: () => [...this.inventory.hosts.keys()],
      getOwnPropertyDescriptor: (_t, key) => {
        if (typeof key !== 'string' || !this.inventory.hosts.has(key)) return undefined;
        return { value: get(key), enumerable: true, configurable: true, writable: false };
      },
    });
  }
}

export type { Layer, Vars };
