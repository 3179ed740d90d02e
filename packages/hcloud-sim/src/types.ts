// Public types of the simulator: its options, its seed, its fault configuration and its logs.

/** Status of a simulated server, as the real API spells it. */
export type ServerStatus =
  | 'running'
  | 'initializing'
  | 'starting'
  | 'stopping'
  | 'off'
  | 'deleting'
  | 'migrating'
  | 'rebuilding'
  | 'unknown';

/** One server of a seed: what the fleet TSV (or a test) says about it. */
export interface SeedServer {
  name: string;
  /** Fixed id; default: the next free id, in seed order (stable from run to run). */
  id?: number;
  public_ipv4?: string;
  /** Private address; the network holding it is taken from `networks` or created (`a.b.0.0/16`). */
  private_ipv4?: string;
  /** Server type name; default `cx22`. */
  server_type?: string;
  /** Location name; default: the location of a seed volume attached to it, else `nbg1`. */
  location?: string;
  /** Image name; default `ubuntu-24.04`. */
  image?: string;
  labels?: Record<string, string>;
  /** `running` (default) or `off`. */
  status?: 'running' | 'off';
  protection?: { delete?: boolean; rebuild?: boolean };
  /** ISO timestamp; default: a fixed date plus one minute per seed position. */
  created?: string;
}

/** One volume of a seed. */
export interface SeedVolume {
  name: string;
  id?: number;
  /** Size in GB (10..10240). */
  size: number;
  /** Location name; default: the attached server's location, else `nbg1`. */
  location?: string;
  /** Name of the server it is attached to, if any. */
  server?: string | null;
  labels?: Record<string, string>;
  format?: 'ext4' | 'xfs' | null;
  protection?: { delete?: boolean };
}

/** One SSH key of a seed. */
export interface SeedSshKey {
  name: string;
  public_key: string;
  labels?: Record<string, string>;
}

/** One network of a seed. */
export interface SeedNetwork {
  name: string;
  ip_range: string;
  subnets?: Array<{ ip_range: string; network_zone?: string; type?: 'cloud' | 'server' }>;
  labels?: Record<string, string>;
}

/** One firewall of a seed. */
export interface SeedFirewall {
  name: string;
  rules?: FirewallRuleInput[];
  /** Names of servers it is applied to. */
  servers?: string[];
  /** Label selectors it is applied to. */
  label_selectors?: string[];
  labels?: Record<string, string>;
}

/** One load balancer of a seed. */
export interface SeedLoadBalancer {
  name: string;
  load_balancer_type?: string;
  location?: string;
  labels?: Record<string, string>;
  /** Names of servers that are targets. */
  targets?: string[];
  services?: Array<{ protocol: 'tcp' | 'http' | 'https'; listen_port?: number; destination_port?: number }>;
}

/** The initial state of a simulator. Every list is optional: `{}` is an empty project. */
export interface SimSeed {
  servers?: SeedServer[];
  volumes?: SeedVolume[];
  ssh_keys?: SeedSshKey[];
  networks?: SeedNetwork[];
  firewalls?: SeedFirewall[];
  load_balancers?: SeedLoadBalancer[];
}

/** A firewall rule as the API takes it. */
export interface FirewallRuleInput {
  direction: 'in' | 'out';
  protocol: 'tcp' | 'udp' | 'icmp' | 'esp' | 'gre';
  port?: string | null;
  source_ips?: string[];
  destination_ips?: string[];
  description?: string | null;
}

/** Which requests a fault applies to; both parts optional (no part = every request). */
export interface RequestMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Tested against the request path including `/v1` and without the query, e.g. `/v1/servers/3/actions/rebuild`. */
  path?: RegExp | string;
}

/** Fail (or drop) the Nth request matching `method`/`path`, counted from when the fault was set. */
export interface RequestFailureFault extends RequestMatch {
  /** 1-based; default 1 (the next matching request). */
  nth?: number;
  /** How many consecutive matching requests fail, starting at the Nth; default 1. */
  times?: number;
  /** HTTP status of the error answer; default 503. Ignored with `drop`. */
  status?: number;
  /** Error code in the body; default: the real API's code for that status (`unavailable` for 503, …). */
  code?: string;
  message?: string;
  /** Destroy the connection without any answer instead of answering an error. */
  drop?: boolean;
}

/** Answer every matching request with an error for the next `count` requests and/or a window of simulated time. */
export interface ErrorStormFault extends RequestMatch {
  /** 429 (`rate_limit_exceeded`), 500, 502, 503 (`unavailable`) or 504 (`timeout`). */
  status: number;
  code?: string;
  /** Number of requests answered with the error. */
  count?: number;
  /** Simulated seconds, from when the fault is set, during which requests are answered with the error. */
  forSeconds?: number;
}

/** Destroy the connection of the next `count` matching requests without answering. */
export interface DropConnectionsFault extends RequestMatch {
  count: number;
}

/** Make the actions of one server never finish (`hang`) or finish with an error. */
export interface StuckActionFault {
  /** Server name or id. */
  server: string | number;
  /** Action command; default `rebuild_server`. */
  command?: string;
  /** `hang` (default): the action stays `running` and the server keeps its transitional status forever. */
  outcome?: 'hang' | 'error';
  /** Error message for `outcome: 'error'`. */
  message?: string;
}

/** Faults to inject, at construction or at run time with `setFault`. */
export interface FaultConfig {
  failRequests?: RequestFailureFault[];
  errorStorm?: ErrorStormFault;
  dropConnections?: DropConnectionsFault;
  stuckActions?: StuckActionFault[];
  /** Multiply every action's duration (a number) or only some commands' durations. */
  slowActions?: number | { factor: number; commands?: string[] };
}

/** The per-token rate limit. */
export interface RateLimitOptions {
  /** Requests per hour (the bucket size); default 3600, as on Hetzner. */
  limit?: number;
  /**
   * Refill speed in requests per real second; default `limit / 3600` (1/s for 3600/h, as on Hetzner).
   * Real time, NOT scaled by `timeScale`: a client's pacing is measured against the wall clock.
   */
  refillPerSecond?: number;
}

/** Where the SSH port of a simulated server answers. */
export interface SshEndpoint {
  host: string;
  port: number;
  /** True while the server is running and the port accepts connections. */
  listening: boolean;
}

/** What `sshPortFor` is told about a server. */
export interface SshServerInfo {
  id: number;
  name: string;
  public_ipv4: string | null;
  private_ipv4: string | null;
}

/** Options of `createSimulator`. */
export interface SimulatorOptions {
  seed?: SimSeed;
  /** Real seconds per simulated second: 1 = real durations, 0.01 = 100× faster. Default 1. */
  timeScale?: number;
  rateLimit?: RateLimitOptions;
  /** Accepted bearer tokens; default: any non-empty token. */
  tokens?: string[];
  faults?: FaultConfig;
  /** Open an SSH banner listener on 127.0.0.1 (ephemeral port) for every running server. Default false. */
  sshPorts?: boolean;
  /** Map a server to an existing loopback endpoint (e.g. a real sshd) instead of a banner listener. */
  sshPortFor?: (server: SshServerInfo) => { host: string; port: number } | undefined;
  /** Override action durations, in simulated seconds, by command (`rebuild_server: 60`, …). */
  actionDurations?: Record<string, number>;
  /** Simulated clock at start (ISO string or Date); default: the real time. */
  startTime?: string | Date;
  /** Most recent requests kept by `requests()`; default 10000. */
  requestLogLimit?: number;
}

/** One request as the simulator saw it. Never holds a token or a header. */
export interface RequestLogEntry {
  method: string;
  /** Path without the query, e.g. `/v1/servers/100001`. */
  path: string;
  query: Record<string, string | string[]>;
  /** HTTP status, or 0 when the connection was dropped. */
  status: number;
  /** Error code of an error answer. */
  code?: string;
  /** Set when a fault produced the answer: `fail`, `storm` or `drop`. */
  fault?: 'fail' | 'storm' | 'drop';
}

/** A running simulator. */
export interface Simulator {
  /** Start the HTTP server on a loopback address; resolves with the endpoint base (`http://127.0.0.1:PORT/v1`). */
  listen(port?: number, host?: string): Promise<{ url: string }>;
  /** Stop the HTTP server, every SSH listener and every timer. */
  close(): Promise<void>;
  /** A JSON-serialisable dump of every resource (API shapes), plus SSH endpoints, for assertions. */
  state(): SimStateDump;
  /** The request log (never holds tokens). */
  requests(): RequestLogEntry[];
  /** Set faults: every key given replaces the previous fault of that kind and restarts its counters. */
  setFault(faults: FaultConfig): void;
  /** Remove every fault. */
  clearFaults(): void;
  /** The SSH endpoint of a server (name or id) once it has one; stays the same across reboots when possible. */
  sshEndpoint(server: string | number): SshEndpoint | undefined;
  /** Resolves when every SSH listener change under way has completed. */
  settled(): Promise<void>;
  /** The endpoint base once listening. */
  readonly url: string | undefined;
}

/** What `state()` returns. */
export interface SimStateDump {
  now: string;
  servers: unknown[];
  volumes: unknown[];
  actions: unknown[];
  ssh_keys: unknown[];
  networks: unknown[];
  firewalls: unknown[];
  load_balancers: unknown[];
  ssh: Record<string, SshEndpoint>;
  /** Bugs of the simulator itself seen so far (absent when there were none). */
  internal_errors?: string[];
}
