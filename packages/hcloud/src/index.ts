// @kbrun/hcloud: Hetzner Cloud client, modules and inventory source.
import type { ModulePack } from '@kbrun/core';
import { hcloudFirewall } from './modules/hcloud-firewall.js';
import { hcloudLoadBalancer } from './modules/hcloud-load-balancer.js';
import { hcloudLoadBalancerService } from './modules/hcloud-load-balancer-service.js';
import { hcloudLoadBalancerTarget } from './modules/hcloud-load-balancer-target.js';
import { hcloudNetwork } from './modules/hcloud-network.js';
import { hcloudServer } from './modules/hcloud-server.js';
import { hcloudServerInfo } from './modules/hcloud-server-info.js';
import { hcloudSshKey } from './modules/hcloud-ssh-key.js';
import { hcloudSubnetwork } from './modules/hcloud-subnetwork.js';
import { hcloudVolume } from './modules/hcloud-volume.js';
import { hcloudVolumeAttachment } from './modules/hcloud-volume-attachment.js';
import { hcloudVolumeInfo } from './modules/hcloud-volume-info.js';

// The client.
export { HcloudClient, type HcloudClientOptions, type HcloudClientStats, type QueryValue, type RequestOptions } from './client/hcloud-client.js';
export { HcloudSession, type HcloudSessionOptions } from './client/hcloud-session.js';
export { closeHcloudClients, configureHcloudClients, sharedHcloudClient } from './client/client-registry.js';
export { HcloudError, isHcloudError, type ApiErrorCode, type ClientErrorCode, type HcloudErrorCode, type InvalidField } from './client/hcloud-error.js';
export { ActionPoller, type ActionPollerOptions, type WaitForActionsOptions } from './client/action-poller.js';
export { RateBudget, parseRateLimitHeaders, type RateLimitState } from './client/rate-budget.js';
export { backoffDelay, classifyFailure, withRetry, DEFAULT_BACKOFF, type BackoffSettings, type RetryKind, type RetryOptions } from './client/retry.js';
export { realSleep, type SleepFunction } from './client/sleep.js';
export { DEFAULT_ENDPOINT, defaultTokenFile, resolveEndpoint, resolveToken, type TokenSource } from './client/token.js';
export type * from './client/api-types.js';

// The inventory source.
export {
  hcloudInventory,
  isHcloudInventoryConfig,
  keyedGroupNames,
  loadHcloudInventory,
  type HcloudInventoryConfig,
  type HcloudInventoryOptions,
  type KeyedGroup,
} from './inventory/hcloud-inventory.js';

// Each module, and its argument type.
export { hcloudFirewall, hcloudLoadBalancer, hcloudLoadBalancerService, hcloudLoadBalancerTarget, hcloudNetwork, hcloudServer, hcloudServerInfo, hcloudSshKey, hcloudSubnetwork, hcloudVolume, hcloudVolumeAttachment, hcloudVolumeInfo };
export type { HcloudFirewallArgs } from './modules/hcloud-firewall.js';
export type { HcloudLoadBalancerArgs } from './modules/hcloud-load-balancer.js';
export type { HcloudLoadBalancerServiceArgs } from './modules/hcloud-load-balancer-service.js';
export type { HcloudLoadBalancerTargetArgs } from './modules/hcloud-load-balancer-target.js';
export type { HcloudNetworkArgs } from './modules/hcloud-network.js';
export type { HcloudServerArgs } from './modules/hcloud-server.js';
export type { HcloudServerInfoArgs } from './modules/hcloud-server-info.js';
export type { HcloudSshKeyArgs } from './modules/hcloud-ssh-key.js';
export type { HcloudSubnetworkArgs } from './modules/hcloud-subnetwork.js';
export type { HcloudVolumeArgs } from './modules/hcloud-volume.js';
export type { HcloudVolumeAttachmentArgs } from './modules/hcloud-volume-attachment.js';
export type { HcloudVolumeInfoArgs } from './modules/hcloud-volume-info.js';
export type { TargetedModule } from './modules/module-support.js';

/** The hcloud pack, keyed by module name (registered explicitly by the CLI). */
export const hcloudModules: ModulePack = {
  hcloud_server: hcloudServer,
  hcloud_server_info: hcloudServerInfo,
  hcloud_volume: hcloudVolume,
  hcloud_volume_info: hcloudVolumeInfo,
  hcloud_volume_attachment: hcloudVolumeAttachment,
  hcloud_load_balancer: hcloudLoadBalancer,
  hcloud_load_balancer_target: hcloudLoadBalancerTarget,
  hcloud_load_balancer_service: hcloudLoadBalancerService,
  hcloud_network: hcloudNetwork,
  hcloud_subnetwork: hcloudSubnetwork,
  hcloud_firewall: hcloudFirewall,
  hcloud_ssh_key: hcloudSshKey,
};
