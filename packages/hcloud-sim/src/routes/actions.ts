// Action endpoints: `/actions?id=…`, `/actions/{id}` and the per-resource `/…/actions` lists.

import type { ActionRecord, ResourceType } from '../action-engine.js';
import type { SimCore } from '../core.js';
import { invalidField, notFound } from '../errors.js';
import { listAnswer } from '../listing.js';
import type { RouteContext, RouteResult, Router } from '../router.js';
import { pathId } from '../validate.js';

function listActions(core: SimCore, ctx: RouteContext, actions: ActionRecord[]): RouteResult {
  return listAnswer(ctx, {
    key: 'actions',
    items: actions,
    id: (a) => a.id,
    render: (a) => core.engine.json(a),
    sortFields: {
      command: (a) => a.command,
      status: (a) => a.status,
      progress: (a) => core.engine.progress(a),
      started: (a) => a.started,
      finished: (a) => a.finished,
    },
    filters: { status: (a, values) => values.includes(a.status) },
  });
}

function idsOf(ctx: RouteContext): number[] {
  return ctx.query
    .getAll('id')
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '')
    .map((v) => {
      if (!/^\d+$/.test(v)) throw invalidField('id', `invalid value '${v}'`);
      return Number(v);
    });
}

function getAction(core: SimCore, raw: string | undefined, type?: ResourceType): ActionRecord {
  const id = pathId(raw, 'action');
  const action = core.engine.actions.get(id);
  if (!action || (type && !action.resources.some((r) => r.type === type))) throw notFound('action', id);
  return action;
}

/** Register `/actions` and `/actions/{id}`. */
export function registerActionRoutes(router: Router, core: SimCore): void {
  router.on('GET', '/actions', (ctx) => {
    const ids = idsOf(ctx);
    if (ids.length === 0) {
      throw invalidField('id', 'Missing data for required field. Listing all actions was removed; pass one or more id parameters.');
    }
    const wanted = new Set(ids);
    return listActions(core, ctx, [...core.engine.actions.values()].filter((a) => wanted.has(a.id)));
  });
  router.on('GET', '/actions/:id', (ctx) => ({ status: 200, body: { action: core.engine.json(getAction(core, ctx.params['id'])) } }));
}

/** Register `/{collection}/actions`, `/{collection}/actions/{id}`, `/{collection}/{id}/actions` and `/{collection}/{id}/actions/{action_id}`. */
export function registerResourceActionRoutes(
  router: Router,
  core: SimCore,
  collection: string,
  type: ResourceType,
  exists: (id: number) => boolean,
): void {
  const ofType = (): ActionRecord[] => [...core.engine.actions.values()].filter((a) => a.resources.some((r) => r.type === type));
  router.on('GET', `/${collection}/actions`, (ctx) => {
    const ids = idsOf(ctx);
    const wanted = new Set(ids);
    return listActions(core, ctx, ofType().filter((a) => ids.length === 0 || wanted.has(a.id)));
  });
  router.on('GET', `/${collection}/actions/:id`, (ctx) => ({
    status: 200,
    body: { action: core.engine.json(getAction(core, ctx.params['id'], type)) },
  }));
  const resourceActions = (raw: string | undefined): ActionRecord[] => {
    const id = pathId(raw, type.replace('_', ' '));
    if (!exists(id)) throw notFound(type.replace('_', ' '), id);
    return ofType().filter((a) => a.resources.some((r) => r.type === type && r.id === id));
  };
  router.on('GET', `/${collection}/:id/actions`, (ctx) => listActions(core, ctx, resourceActions(ctx.params['id'])));
  router.on('GET', `/${collection}/:id/actions/:action_id`, (ctx) => {
    const actions = resourceActions(ctx.params['id']);
    const action = getAction(core, ctx.params['action_id']);
    if (!actions.includes(action)) throw notFound('action', action.id);
    return { status: 200, body: { action: core.engine.json(action) } };
  });
}
