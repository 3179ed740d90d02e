/** Fields every AST node has: its source span and the offset errors about it point at. */
export interface NodeBase {
  /** Offset of the first character of the node's source text. */
  readonly start: number;
  /** Offset just after the node's source text. */
  readonly end: number;
  /** Offset runtime errors point at (the operator, filter or test name). */
  readonly at: number;
}

/** A constant: number, string, boolean or none. */
export interface LiteralNode extends NodeBase {
  readonly kind: 'literal';
  readonly value: string | number | boolean | null;
  /** A float literal (`1.0`, `1e3`): a float even when its value is whole, as in Python. */
  readonly float?: boolean;
}

/** A top-level variable reference. */
export interface NameNode extends NodeBase {
  readonly kind: 'name';
  readonly name: string;
}

/** `a.b`, `a['b']`, `a[0]`, `a.0`: one step of attribute or item access; `key` is set when it is a constant. */
export interface MemberNode extends NodeBase {
  readonly kind: 'member';
  readonly object: Node;
  readonly key: string | number | null;
  /** The key expression when it is not a constant. */
  readonly keyExpr: Node | null;
}

/** `a[lower:upper:step]`. */
export interface SliceNode extends NodeBase {
  readonly kind: 'slice';
  readonly object: Node;
  readonly lower: Node | null;
  readonly upper: Node | null;
  readonly step: Node | null;
}

/** `[a, b]` or a tuple `(a, b)`. */
export interface ListNode extends NodeBase {
  readonly kind: 'list';
  readonly items: readonly Node[];
  /** Written as a tuple `(a, b)`: a list that prints as Python prints a tuple. */
  readonly tuple?: boolean;
}

/** `{'k': v, ...}`. */
export interface DictNode extends NodeBase {
  readonly kind: 'dict';
  readonly keys: readonly Node[];
  readonly values: readonly Node[];
}

/** `not x`, `-x`, `+x`. */
export interface UnaryNode extends NodeBase {
  readonly kind: 'unary';
  readonly op: 'not' | '-' | '+';
  readonly operand: Node;
}

/** The arithmetic and concatenation operators. */
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '~';

/** `a + b` and friends. */
export interface BinaryNode extends NodeBase {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Node;
  readonly right: Node;
}

/** `a and b`, `a or b` (short-circuit, returning an operand like Python). */
export interface LogicalNode extends NodeBase {
  readonly kind: 'logical';
  readonly op: 'and' | 'or';
  readonly left: Node;
  readonly right: Node;
}

/** The comparison operators, including membership. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

/** `a < b`, or a chain `a < b <= c` (each operand evaluated once). */
export interface CompareNode extends NodeBase {
  readonly kind: 'compare';
  readonly first: Node;
  readonly ops: readonly CompareOp[];
  /** Offsets of each operator, for errors. */
  readonly opAts: readonly number[];
  readonly rest: readonly Node[];
}

/** `then if test else otherwise` (otherwise may be absent: the result is then undefined). */
export interface ConditionalNode extends NodeBase {
  readonly kind: 'conditional';
  readonly test: Node;
  readonly then: Node;
  readonly otherwise: Node | null;
}

/** A keyword argument `name=value` of a filter, test or method call. */
export interface KeywordArg {
  readonly name: string;
  readonly value: Node;
}

/** `operand | name(args, kw=value)`. */
export interface FilterNode extends NodeBase {
  readonly kind: 'filter';
  readonly operand: Node;
  readonly name: string;
  readonly args: readonly Node[];
  readonly kwargs: readonly KeywordArg[];
}

/** `operand is [not] name(args)`. */
export interface TestNode extends NodeBase {
  readonly kind: 'test';
  readonly operand: Node;
  readonly name: string;
  readonly negated: boolean;
  readonly args: readonly Node[];
  readonly kwargs: readonly KeywordArg[];
}

/** `receiver.method(args)`: only whitelisted methods are accepted. */
export interface CallNode extends NodeBase {
  readonly kind: 'call';
  readonly receiver: Node;
  readonly method: string;
  readonly args: readonly Node[];
  readonly kwargs: readonly KeywordArg[];
}

/** `name(args)`: a call of one of the closed table of global functions (`range`, `lookup`, `query`…). */
export interface GlobalCallNode extends NodeBase {
  readonly kind: 'global';
  readonly name: string;
  readonly args: readonly Node[];
  readonly kwargs: readonly KeywordArg[];
}

/** Any expression node. */
export type Node =
  | LiteralNode
  | NameNode
  | MemberNode
  | SliceNode
  | ListNode
  | DictNode
  | UnaryNode
  | BinaryNode
  | LogicalNode
  | CompareNode
  | ConditionalNode
  | FilterNode
  | TestNode
  | CallNode
  | GlobalCallNode;
