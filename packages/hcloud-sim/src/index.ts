// @kbrun/hcloud-sim: a local simulator of the Hetzner Cloud API, an independent implementation for tests, --sim and demos.

export { createSimulator, isLoopbackHost } from './simulator.js';
export { serveSimulator, loadSeedFile, DEFAULT_FLEET_TSV, type ServeSimulatorOptions } from './cli.js';
export {
  seedFromServersTsv,
  seedFromVolumesJson,
  mergeSeeds,
  labelValueOf,
  DEFAULT_LABEL_COLUMNS,
  type ServersTsvOptions,
} from './seed.js';
export { SSH_BANNER } from './ssh-ports.js';
export { sshAddressMap, sshAddressMapFrom, SSH_ENDPOINTS_PATH, type SshEndpointsBody } from './address-map.js';
export { DEFAULT_DURATIONS } from './action-engine.js';
export { SimConfigError, ERROR_STATUS } from './errors.js';
export { parseLabelSelector, matchesSelector, LabelSelectorError, type SelectorTerm } from './label-selector.js';
export { sshFingerprint } from './routes/ssh-keys.js';
export type {
  Simulator,
  SimulatorOptions,
  SimSeed,
  SeedServer,
  SeedVolume,
  SeedSshKey,
  SeedNetwork,
  SeedFirewall,
  SeedLoadBalancer,
  FaultConfig,
  RequestFailureFault,
  ErrorStormFault,
  DropConnectionsFault,
  StuckActionFault,
  RequestMatch,
  RateLimitOptions,
  RequestLogEntry,
  SimStateDump,
  SshEndpoint,
  SshServerInfo,
  ServerStatus,
  FirewallRuleInput,
} from './types.js';
