// Read-only catalog endpoints: images, server types, locations, datacenters, load balancer types.

import {
  DATACENTERS,
  datacenterJson,
  IMAGES,
  imageJson,
  LOAD_BALANCER_TYPES,
  loadBalancerTypeJson,
  LOCATIONS,
  locationJson,
  SERVER_TYPES,
  serverTypeJson,
} from '../catalog.js';
import { notFound } from '../errors.js';
import { listAnswer } from '../listing.js';
import type { Router } from '../router.js';
import { pathId } from '../validate.js';

function collection<T extends { id: number; name: string }>(
  router: Router,
  path: string,
  key: string,
  single: string,
  kind: string,
  items: readonly T[],
  render: (item: T) => unknown,
  extra: { filters?: Record<string, (item: T, values: string[]) => boolean>; labels?: (item: T) => Record<string, string> } = {},
): void {
  router.on('GET', path, (ctx) =>
    listAnswer(ctx, {
      key,
      items,
      id: (x) => x.id,
      render,
      name: (x) => x.name,
      sortFields: { name: (x) => x.name },
      ...extra,
    }),
  );
  router.on('GET', `${path}/:id`, (ctx) => {
    const id = pathId(ctx.params['id'], kind);
    const item = items.find((x) => x.id === id);
    if (!item) throw notFound(kind, id);
    return { status: 200, body: { [single]: render(item) } };
  });
}

/** Register the catalog routes. */
export function registerCatalogRoutes(router: Router): void {
  collection(router, '/images', 'images', 'image', 'image', IMAGES, imageJson, {
    labels: () => ({}),
    filters: {
      type: (_i, values) => values.includes('system'),
      status: (_i, values) => values.includes('available'),
      architecture: (i, values) => values.includes(i.architecture),
      bound_to: () => false,
    },
  });
  collection(router, '/server_types', 'server_types', 'server_type', 'server type', SERVER_TYPES, serverTypeJson);
  collection(router, '/locations', 'locations', 'location', 'location', LOCATIONS, locationJson);
  collection(router, '/datacenters', 'datacenters', 'datacenter', 'datacenter', DATACENTERS, datacenterJson);
  collection(router, '/load_balancer_types', 'load_balancer_types', 'load_balancer_type', 'load balancer type', LOAD_BALANCER_TYPES, loadBalancerTypeJson);
}
