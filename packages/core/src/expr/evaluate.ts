import { KbrunError } from '../errors/kbrun-error.js';
import { filterSpec, FILTERS } from '../template/filters.js';
import { editDistance, suggest } from '../util/similar.js';
import type { BinaryOp, CompareOp, KeywordArg, MemberNode, NameNode, Node } from './ast.js';
import { ExpressionError, FilterFailure, UndefinedVariableError } from './errors.js';
import { GLOBALS } from './globals.js';
import { callableOf } from './callables.js';
import { callMethod, METHOD_NAMES } from './methods.js';
import {
  pyAdd,
  pyCompare,
  pyConcat,
  pyContains,
  pyDiv,
  pyEquals,
  pyFloorDiv,
  pyMod,
  pyMul,
  pyNeg,
  pyPos,
  pyPow,
  pySlice,
  pySub,
} from './operators.js';
import { NO_ARGS, NO_KWARGS } from './params.js';
import { pyFloat } from './py-float.js';
import { pyTuple } from './py-tuple.js';
import { testSpec, TESTS } from './tests.js';
import { FORBIDDEN_KEYS, getMember, isMapping, readOwn, setOwn, truthy, typeName, type Mapping } from './values.js';

/** The variables an expression is evaluated against (own properties only are visible). */
export type Vars = Readonly<Record<string, unknown>>;

/** A compiled expression body: walks the pre-built closure tree for one set of variables. */
export type Evaluator = (vars: Vars) => unknown;

const hasOwnProperty = Object.prototype.hasOwnProperty;

const BINARY: Readonly<Record<BinaryOp, (a: unknown, b: unknown) => unknown>> = {
  '+': pyAdd,
  '-': pySub,
  '*': pyMul,
  '/': pyDiv,
  '//': pyFloorDiv,
  '%': pyMod,
  '**': pyPow,
  '~': pyConcat,
};

/** Evaluates one comparison operator (the caller adds the error location). */
function compareOnce(op: CompareOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return pyCompare(a, b, op) < 0;
    case '<=':
      return pyCompare(a, b, op) <= 0;
    case '>':
      return pyCompare(a, b, op) > 0;
    case '>=':
      return pyCompare(a, b, op) >= 0;
    case 'in':
      return pyContains(b, a);
    case 'not in':
      return !pyContains(b, a);
  }
}

/** How one access step is written in a dotted path: `.name`, `[0]` or `['odd key']`. */
function pathSuffix(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `['${key.replace(/'/g, "\\'")}']`;
}

/** The value of a constant subtree (literals, and lists/dicts of them), frozen; undefined if not constant. */
function constantOf(node: Node): { value: unknown } | undefined {
  if (node.kind === 'literal') return isWholeFloat(node) ? undefined : { value: node.value };
  if (node.kind === 'list') {
    const items: unknown[] = [];
    for (const item of node.items) {
      const c = constantOf(item);
      if (!c) return undefined;
      items.push(c.value);
    }
    return { value: Object.freeze(node.tuple ? pyTuple(items) : items) };
  }
  return undefined;
}

/** A float literal with a whole value (`1.0`): boxed afresh at each evaluation (see py-value.ts), never a shared constant. */
function isWholeFloat(node: Extract<Node, { kind: 'literal' }>): boolean {
  return node.float === true && typeof node.value === 'number' && Number.isInteger(node.value);
}

/** Names that might have been meant, for "did you mean" hints (bounded, and never fatal). */
function hint(name: string, candidates: () => Iterable<string>): string {
  if (name.length < 2) return '';
  try {
    const keys = [...candidates()];
    if (keys.length > 5000) return '';
    const found = suggest(name, keys).filter((f) => name.length > 2 || editDistance(name, f) <= 1);
    return found.length ? `did you mean ${found.map((f) => `'${f}'`).join(' or ')}?` : '';
  } catch {
    return '';
  }
}

/** Turns an AST into a tree of closures once, so each evaluation is a plain walk with no re-parsing. */
class Builder {
  constructor(
    private readonly source: string,
    private readonly options: BuildOptions,
  ) {}

  /** A located ExpressionError for a runtime failure (undefined-variable and expression errors pass through). */
  private locate(error: unknown, at: number, prefix = ''): Error {
    if (error instanceof ExpressionError || error instanceof UndefinedVariableError || error instanceof FilterFailure) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new ExpressionError(`${prefix}${message}`, this.source, at, { cause: error });
  }

  private fail(detail: string, at: number): never {
    throw new ExpressionError(detail, this.source, at);
  }

  /** The dotted path of an access chain, or its source text. */
  private describe(node: Node): string {
    if (node.kind === 'name') return node.name;
    if (node.kind === 'member' && node.key !== null) return this.describe(node.object) + pathSuffix(node.key);
    return this.source.slice(node.start, node.end);
  }

  private undefinedName(node: NameNode, vars: Vars): UndefinedVariableError {
    const detail = FORBIDDEN_KEYS.has(node.name) ? 'this name is reserved and cannot be used' : hint(node.name, () => Object.keys(vars));
    return new UndefinedVariableError(node.name, detail, node.start);
  }

  private missingMember(node: MemberNode, object: unknown, key: string | number): UndefinedVariableError {
    const parent = this.describe(node.object);
    const path = parent + pathSuffix(key);
    let detail: string;
    if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) detail = `'${key}' cannot be accessed in expressions`;
    else if (object === null) detail = `'${parent}' is none`;
    else if (Array.isArray(object) || typeof object === 'string') {
      const what = Array.isArray(object) ? 'list' : 'string';
      detail =
        typeof key === 'number'
          ? `index ${key} is out of range ('${parent}' is a ${what} of length ${object.length})`
          : `'${parent}' is a ${what}, which has no attribute '${key}'`;
    } else if (isMapping(object)) {
      const did = hint(String(key), () => Object.keys(object));
      detail = `'${parent}' has no attribute '${key}'${did ? `; ${did}` : ''}`;
    } else detail = `'${parent}' is a ${typeName(object)}, which has no attribute '${key}'`;
    return new UndefinedVariableError(path, detail, node.start);
  }

  /** Builds the evaluator of `node`; `tolerant` access chains yield undefined instead of throwing. */
  build(node: Node, tolerant: boolean): Evaluator {
    switch (node.kind) {
      case 'literal': {
        const value = node.value;
        if (isWholeFloat(node)) return () => pyFloat(value as number);
        return () => value;
      }
      case 'name':
        return this.buildName(node, tolerant);
      case 'member':
        return this.buildMember(node, tolerant);
      case 'slice': {
        const object = this.build(node.object, tolerant);
        const lower = node.lower ? this.build(node.lower, false) : null;
        const upper = node.upper ? this.build(node.upper, false) : null;
        const step = node.step ? this.build(node.step, false) : null;
        return (vars) => {
          const o = object(vars);
          if (o === undefined) return undefined;
          const lo = lower ? lower(vars) : null;
          const hi = upper ? upper(vars) : null;
          const st = step ? step(vars) : null;
          try {
            return pySlice(o, lo, hi, st);
          } catch (e) {
            throw this.locate(e, node.at);
          }
        };
      }
      case 'list': {
        const items = node.items.map((n) => this.build(n, false));
        const count = items.length;
        const tuple = node.tuple === true;
        return (vars) => {
          const out = new Array<unknown>(count);
          for (let i = 0; i < count; i++) out[i] = items[i]!(vars);
          return tuple ? pyTuple(out) : out;
        };
      }
      case 'dict': {
        const keys = node.keys.map((n) => this.build(n, false));
        const values = node.values.map((n) => this.build(n, false));
        const keyAts = node.keys.map((n) => n.start);
        return (vars) => {
          const out: Mapping = {};
          for (let i = 0; i < keys.length; i++) {
            const k = keys[i]!(vars);
            if (typeof k !== 'string' && typeof k !== 'number') this.fail(`dict keys must be strings or numbers, got ${typeName(k)}`, keyAts[i]!);
            setOwn(out, String(k), values[i]!(vars));
          }
          return out;
        };
      }
      case 'unary': {
        const operand = this.build(node.operand, false);
        if (node.op === 'not') return (vars) => !truthy(operand(vars));
        const fn = node.op === '-' ? pyNeg : pyPos;
        return (vars) => {
          const v = operand(vars);
          try {
            return fn(v);
          } catch (e) {
            throw this.locate(e, node.at);
          }
        };
      }
      case 'binary': {
        const left = this.build(node.left, false);
        const right = this.build(node.right, false);
        const fn = BINARY[node.op];
        return (vars) => {
          const a = left(vars);
          const b = right(vars);
          try {
            return fn(a, b);
          } catch (e) {
            throw this.locate(e, node.at);
          }
        };
      }
      case 'logical': {
        const left = this.build(node.left, false);
        const right = this.build(node.right, false);
        if (node.op === 'and') {
          return (vars) => {
            const a = left(vars);
            return truthy(a) ? right(vars) : a;
          };
        }
        return (vars) => {
          const a = left(vars);
          return truthy(a) ? a : right(vars);
        };
      }
      case 'compare':
        return this.buildCompare(node);
      case 'conditional': {
        const test = this.build(node.test, false);
        const then = this.build(node.then, false);
        const otherwise = node.otherwise ? this.build(node.otherwise, false) : () => undefined;
        return (vars) => (truthy(test(vars)) ? then(vars) : otherwise(vars));
      }
      case 'filter':
        return this.buildFilter(node);
      case 'test':
        return this.buildTest(node);
      case 'call':
        return this.buildCall(node);
      case 'global':
        return this.buildGlobal(node);
    }
  }

  private buildName(node: NameNode, tolerant: boolean): Evaluator {
    const name = node.name;
    if (FORBIDDEN_KEYS.has(name)) {
      if (tolerant) return () => undefined;
      return (vars) => {
        throw this.undefinedName(node, vars);
      };
    }
    if (tolerant) {
      return (vars) => {
        if (!hasOwnProperty.call(vars, name)) return undefined;
        const v = vars[name];
        return typeof v === 'function' ? undefined : v;
      };
    }
    return (vars) => {
      if (hasOwnProperty.call(vars, name)) {
        const v = vars[name];
        if (v !== undefined && typeof v !== 'function') return v;
      }
      throw this.undefinedName(node, vars);
    };
  }

  private buildMember(node: MemberNode, tolerant: boolean): Evaluator {
    const object = this.build(node.object, tolerant);
    if (node.keyExpr === null) {
      const key = node.key!;
      if (tolerant) {
        return (vars) => {
          const o = object(vars);
          return o === undefined ? undefined : getMember(o, key);
        };
      }
      return (vars) => {
        const o = object(vars);
        const v = getMember(o, key);
        if (v === undefined) throw this.missingMember(node, o, key);
        return v;
      };
    }
    const keyOf = this.build(node.keyExpr, false);
    const keyAt = node.keyExpr.start;
    return (vars) => {
      const o = object(vars);
      let k = keyOf(vars);
      if (typeof k === 'boolean') k = Number(k);
      if (typeof k !== 'string' && typeof k !== 'number') this.fail(`cannot use a ${typeName(k)} as an index or key`, keyAt);
      if (o === undefined) return undefined; // tolerant chain
      const v = getMember(o, k);
      if (v === undefined && !tolerant) throw this.missingMember(node, o, k);
      return v;
    };
  }

  private buildCompare(node: Extract<Node, { kind: 'compare' }>): Evaluator {
    const operand = (n: Node): Evaluator => {
      const c = constantOf(n);
      if (!c) return this.build(n, false);
      const value = c.value;
      return () => value;
    };
    const first = operand(node.first);
    if (node.ops.length === 1) {
      const op = node.ops[0]!;
      const right = operand(node.rest[0]!);
      if (op === '==') return (vars) => pyEquals(first(vars), right(vars));
      if (op === '!=') return (vars) => !pyEquals(first(vars), right(vars));
      const at = node.opAts[0]!;
      return (vars) => {
        const a = first(vars);
        const b = right(vars);
        try {
          return compareOnce(op, a, b);
        } catch (e) {
          throw this.locate(e, at);
        }
      };
    }
    const rest = node.rest.map(operand);
    const { ops, opAts } = node;
    return (vars) => {
      let a = first(vars);
      for (let i = 0; i < ops.length; i++) {
        const b = rest[i]!(vars);
        let ok: boolean;
        try {
          ok = compareOnce(ops[i]!, a, b);
        } catch (e) {
          throw this.locate(e, opAts[i]!);
        }
        if (!ok) return false;
        a = b;
      }
      return true;
    };
  }

  /** Evaluators for call arguments; constant positional arguments are computed once. */
  private buildArgs(args: readonly Node[], kwargs: readonly KeywordArg[]): (vars: Vars) => [unknown[], Record<string, unknown>] {
    const constants = args.map(constantOf);
    const fixedArgs = constants.every((c) => c !== undefined) ? (Object.freeze(constants.map((c) => c!.value)) as unknown[]) : null;
    const argFns = args.map((a) => this.build(a, false));
    const kwNames = kwargs.map((k) => k.name);
    const kwFns = kwargs.map((k) => this.build(k.value, false));
    const noArgs = args.length === 0 ? NO_ARGS : null;
    if (kwNames.length === 0 && (noArgs || fixedArgs)) {
      const pair: [unknown[], Record<string, unknown>] = [(noArgs ?? fixedArgs)!, NO_KWARGS];
      return () => pair;
    }
    return (vars) => {
      const positional = noArgs ?? fixedArgs ?? argFns.map((f) => f(vars));
      if (kwNames.length === 0) return [positional, NO_KWARGS];
      const named = Object.create(null) as Record<string, unknown>;
      for (let i = 0; i < kwNames.length; i++) setOwn(named, kwNames[i]!, kwFns[i]!(vars));
      return [positional, named];
    };
  }

  private buildFilter(node: Extract<Node, { kind: 'filter' }>): Evaluator {
    const spec = filterSpec(node.name);
    if (!spec) {
      const did = hint(node.name, () => Object.keys(FILTERS));
      this.fail(`unknown filter '${node.name}'${did ? `; ${did}` : ''}`, node.at);
    }
    const fn = spec.fn;
    const operand = this.build(node.operand, spec.tolerant === true);
    const prefix = `filter '${node.name}': `;
    // Jinja2's name of an undefined operand: the variable's, or the last attribute's (`a.b` → 'b').
    const undefinedName = !spec.tolerant ? undefined : node.operand.kind === 'name' ? node.operand.name : node.operand.kind === 'member' && node.operand.key !== null ? String(node.operand.key) : undefined;
    if (node.args.length === 0 && node.kwargs.length === 0) {
      return (vars) => {
        const v = operand(vars);
        try {
          return fn(v, NO_ARGS, NO_KWARGS, undefinedName);
        } catch (e) {
          throw this.locate(e, node.at, prefix);
        }
      };
    }
    const argsOf = this.buildArgs(node.args, node.kwargs);
    return (vars) => {
      const v = operand(vars);
      const [args, kwargs] = argsOf(vars);
      try {
        return fn(v, args, kwargs, undefinedName);
      } catch (e) {
        throw this.locate(e, node.at, prefix);
      }
    };
  }

  private buildTest(node: Extract<Node, { kind: 'test' }>): Evaluator {
    const spec = testSpec(node.name);
    if (!spec) {
      const did = hint(node.name, () => Object.keys(TESTS));
      this.fail(`unknown test '${node.name}'${did ? `; ${did}` : ''}`, node.at);
    }
    const fn = spec.fn;
    const operand = this.build(node.operand, spec.tolerant === true);
    const argsOf = this.buildArgs(node.args, node.kwargs);
    const negated = node.negated;
    const prefix = `test '${node.name}': `;
    return (vars) => {
      const v = operand(vars);
      const [args, kwargs] = argsOf(vars);
      let result: boolean;
      try {
        result = fn(v, args, kwargs);
      } catch (e) {
        throw this.locate(e, node.at, prefix);
      }
      return negated ? !result : result;
    };
  }

  private buildCall(node: Extract<Node, { kind: 'call' }>): Evaluator {
    const method = node.method;
    const templateCalls = this.options.templateCalls === true;
    if (!METHOD_NAMES.has(method) && !templateCalls) {
      const did = hint(method, () => METHOD_NAMES);
      this.fail(`method '${method}' is not available${did ? `; ${did}` : ''} (allowed: ${[...METHOD_NAMES].join(', ')})`, node.at);
    }
    const receiver = this.build(node.receiver, false);
    const argsOf = this.buildArgs(node.args, node.kwargs);
    return (vars) => {
      const r = receiver(vars);
      const own = templateCalls && isMapping(r) ? callableOf(readOwn(r, method)) : undefined;
      const [args, kwargs] = argsOf(vars);
      try {
        return own ? own(args, kwargs) : callMethod(r, method, args, kwargs);
      } catch (e) {
        if (e instanceof KbrunError) throw e;
        throw this.locate(e, node.at);
      }
    };
  }

  /**
   * `name(args)`: the closed GLOBALS table (in templates, a callable variable of that name first: a macro, `caller`);
   * a lookup's own errors (KbrunError, with their code) pass through.
   */
  private buildGlobal(node: Extract<Node, { kind: 'global' }>): Evaluator {
    const fn = GLOBALS[node.name];
    const templateCalls = this.options.templateCalls === true;
    if (!fn && !templateCalls) {
      const did = hint(node.name, () => Object.keys(GLOBALS));
      this.fail(`unknown function '${node.name}'${did ? `; ${did}` : ''} (functions: ${Object.keys(GLOBALS).join(', ')}; filters are written x | name)`, node.at);
    }
    const argsOf = this.buildArgs(node.args, node.kwargs);
    const prefix = `${node.name}(): `;
    return (vars) => {
      const own = templateCalls ? callableOf(readOwn(vars, node.name)) : undefined;
      if (!own && !fn) throw new UndefinedVariableError(node.name, 'no macro or function of that name is defined here', node.start);
      const [args, kwargs] = argsOf(vars);
      try {
        return own ? own(args, kwargs) : fn!(args, kwargs, vars);
      } catch (e) {
        if (e instanceof KbrunError) throw e;
        throw this.locate(e, node.at, e instanceof Error && e.message.startsWith(node.name) ? '' : prefix);
      }
    };
  }
}

/** How an expression is built: `templateCalls` lets it call a template's own callables (see callables.ts) by name or as methods. */
export interface BuildOptions {
  readonly templateCalls?: boolean;
}

/** Builds the evaluator for a parsed expression; throws ExpressionError for unknown filters, tests and methods. */
export function buildEvaluator(root: Node, source: string, options: BuildOptions = {}): Evaluator {
  return new Builder(source, options).build(root, false);
}
