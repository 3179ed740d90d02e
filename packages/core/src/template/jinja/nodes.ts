import type { CompiledExpression } from '../../expr/index.js';

/** One expression of a template, compiled, and the offset of its text in the template (for errors). */
export interface Expr {
  readonly compiled: CompiledExpression;
  readonly at: number;
}

/** An expression, or several separated by commas (`{% for x in a, b %}`): a tuple, evaluated to a list. */
export interface ExprList {
  readonly items: readonly Expr[];
  readonly tuple: boolean;
}

/** What `set`, `for` and `with` assign to: a name, `ns.attr` (a namespace's attribute) or a tuple to unpack. */
export type Target =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'attr'; readonly name: string; readonly attr: string }
  | { readonly kind: 'tuple'; readonly items: readonly Target[] };

/** A parameter of a macro or a call block, with its default. */
export interface Param {
  readonly name: string;
  readonly default: Expr | undefined;
}

/** A template's body: what it outputs and the statements it runs, in order. */
export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'output'; readonly value: ExprList }
  | { readonly kind: 'if'; readonly branches: ReadonlyArray<{ readonly test: Expr; readonly body: readonly Node[] }>; readonly otherwise: readonly Node[] }
  | {
      readonly kind: 'for';
      readonly target: Target;
      readonly iterable: ExprList;
      readonly filter: Expr | undefined;
      readonly recursive: boolean;
      readonly body: readonly Node[];
      readonly otherwise: readonly Node[];
      readonly at: number;
    }
  | { readonly kind: 'set'; readonly target: Target; readonly value: ExprList; readonly at: number }
  | { readonly kind: 'set-block'; readonly target: Target; readonly filter: Expr | undefined; readonly body: readonly Node[]; readonly at: number }
  | { readonly kind: 'macro'; readonly name: string; readonly params: readonly Param[]; readonly body: readonly Node[] }
  | { readonly kind: 'call-block'; readonly params: readonly Param[]; readonly call: Expr; readonly body: readonly Node[] }
  | { readonly kind: 'filter-block'; readonly filter: Expr; readonly body: readonly Node[] }
  | { readonly kind: 'with'; readonly assignments: ReadonlyArray<{ readonly target: Target; readonly value: Expr }>; readonly body: readonly Node[]; readonly at: number }
  | { readonly kind: 'include'; readonly template: Expr; readonly ignoreMissing: boolean; readonly withContext: boolean }
  | { readonly kind: 'import'; readonly template: Expr; readonly alias: string; readonly withContext: boolean }
  | {
      readonly kind: 'from-import';
      readonly template: Expr;
      readonly names: ReadonlyArray<{ readonly name: string; readonly alias: string; readonly at: number }>;
      readonly withContext: boolean;
    };

/** The name a filter block's and a block set's body is bound to while their filters run (one no template uses). */
export const BODY_NAME = '__kbrun_block_body';
/** The name a call block's `caller` is bound to while its macro call is evaluated. */
export const CALLER_NAME = '__kbrun_caller';
