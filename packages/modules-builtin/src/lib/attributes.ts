import type { PresentFile } from './file-state.js';
import { formatMode, type ModeRule } from './file-mode.js';

/** The owner, group and mode a file should have (each optional). */
export interface AttributeRequest {
  mode?: ModeRule | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

/** The commands closing the gap between a path's attributes and the request, and what they change. */
export interface AttributePlan {
  commands: string[][];
  /** Changed attributes before and after (for `diff`); empty when nothing changes. */
  before: Record<string, string>;
  after: Record<string, string>;
  /** The mode the path has once the plan ran. */
  mode: number;
  owner: string;
  group: string;
}

/** Plans chmod/chown/chgrp for one existing path (a symbolic link keeps its mode; its ownership is changed with -h). */
export function planAttributes(path: string, state: PresentFile, request: AttributeRequest): AttributePlan {
  const plan: AttributePlan = { commands: [], before: {}, after: {}, mode: state.mode, owner: state.owner, group: state.group };
  const isLink = state.type === 'link';
  if (request.mode && !isLink) {
    const wanted = request.mode.apply(state.mode, state.type === 'directory');
    if (wanted !== state.mode) {
      plan.commands.push(['chmod', formatMode(wanted), '--', path]);
      plan.before['mode'] = formatMode(state.mode);
      plan.after['mode'] = formatMode(wanted);
      plan.mode = wanted;
    }
  }
  if (request.owner !== undefined && !matchesId(request.owner, state.uid, state.owner)) {
    plan.commands.push(['chown', ...(isLink ? ['-h'] : []), request.owner, '--', path]);
    plan.before['owner'] = state.owner;
    plan.after['owner'] = request.owner;
    plan.owner = request.owner;
  }
  if (request.group !== undefined && !matchesId(request.group, state.gid, state.group)) {
    plan.commands.push(['chgrp', ...(isLink ? ['-h'] : []), request.group, '--', path]);
    plan.before['group'] = state.group;
    plan.after['group'] = request.group;
    plan.group = request.group;
  }
  return plan;
}

/** True when a user/group argument (a name or a numeric id) names the given id. */
export function matchesId(wanted: string, id: number, name: string): boolean {
  return /^\d+$/.test(wanted) ? Number(wanted) === id : wanted === name;
}

/** Ownership/permission result keys Ansible's file modules return. */
export function attributeKeys(state: PresentFile): Record<string, unknown> {
  return { mode: formatMode(state.mode), owner: state.owner, group: state.group, uid: state.uid, gid: state.gid, size: state.size };
}
