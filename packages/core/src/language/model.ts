import type { AnyModule } from '../modules/define-module.js';
import type { SourceLocation } from '../source/location.js';

/** A condition as written: an expression, a bare boolean, or a list meaning AND. */
export type Condition = string | boolean | number | null | Array<string | boolean | number>;

/** A task after loading and validation: its module, arguments and keywords. */
export interface Task {
  id: number;
  /** `name:` or, without one, the module name (as Ansible shows it). */
  name: string;
  action: string;
  module: AnyModule;
  args: Record<string, unknown>;
  /** Top-level arguments holding templates (rendered and validated per host). */
  templatedArgs: ReadonlySet<string>;
  /** The mapping the arguments were written in (for locating argument errors). */
  argsSource: object | undefined;
  location: SourceLocation | undefined;
  /** Keyword values as written (rendered at run time); see KEYWORDS. */
  keywords: Readonly<Record<string, unknown>>;
  /** Keyword locations, for runtime errors (a `when` that fails to evaluate, …). */
  keywordSource: object;
}

/** A play after loading. */
export interface Play {
  name: string;
  hosts: string | string[];
  location: SourceLocation | undefined;
  vars: Record<string, unknown>;
  varsFiles: string[];
  tasks: Task[];
  keywords: Readonly<Record<string, unknown>>;
}

/** A loaded, validated playbook. */
export interface Playbook {
  file: string;
  directory: string;
  plays: Play[];
}
