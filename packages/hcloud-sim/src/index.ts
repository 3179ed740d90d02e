// @kbrun/hcloud-sim: a local Hetzner Cloud API simulator.
export {};
