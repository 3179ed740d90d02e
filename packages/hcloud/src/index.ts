// @kbrun/hcloud: Hetzner Cloud client, modules and inventory source.
export {};
