// @kbrun/modules-system: the system modules under Ansible's names (packages, repositories, services, users, firewall,
// disks, cron, downloads, archives), acting on targets through the connection only.
import type { ModulePack } from '@kbrun/core';
import { apt } from './modules/apt.js';
import { aptRepository } from './modules/apt-repository.js';
import { authorizedKey } from './modules/authorized-key.js';
import { cron } from './modules/cron.js';
import { deb822Repository } from './modules/deb822-repository.js';
import { filesystem } from './modules/filesystem.js';
import { getUrl } from './modules/get-url.js';
import { group } from './modules/group.js';
import { hostname } from './modules/hostname.js';
import { mount } from './modules/mount.js';
import { packageModule } from './modules/package.js';
import { service } from './modules/service.js';
import { sysctl } from './modules/sysctl.js';
import { systemd, systemdService } from './modules/systemd-service.js';
import { timezone } from './modules/timezone.js';
import { ufw } from './modules/ufw.js';
import { unarchive } from './modules/unarchive.js';
import { user } from './modules/user.js';

// Each module, for callers that register or wrap modules one by one.
export { apt, aptRepository, authorizedKey, cron, deb822Repository, filesystem, getUrl, group, hostname, mount, packageModule, service, sysctl, systemd, systemdService, timezone, ufw, unarchive, user };
// The argument type of each module (what its schema validates).
export type { AptArgs } from './modules/apt.js';
export type { AptRepositoryArgs } from './modules/apt-repository.js';
export type { AuthorizedKeyArgs } from './modules/authorized-key.js';
export type { CronArgs } from './modules/cron.js';
export type { Deb822RepositoryArgs } from './modules/deb822-repository.js';
export type { FilesystemArgs } from './modules/filesystem.js';
export type { GetUrlArgs } from './modules/get-url.js';
export type { GroupArgs } from './modules/group.js';
export type { HostnameArgs } from './modules/hostname.js';
export type { MountArgs } from './modules/mount.js';
export type { PackageArgs } from './modules/package.js';
export type { ServiceArgs } from './modules/service.js';
export type { SysctlArgs } from './modules/sysctl.js';
export type { SystemdServiceArgs } from './modules/systemd-service.js';
export type { TimezoneArgs } from './modules/timezone.js';
export type { UfwArgs } from './modules/ufw.js';
export type { UnarchiveArgs } from './modules/unarchive.js';
export type { UserArgs } from './modules/user.js';

/** The system pack, keyed by Ansible module name (registered explicitly by the CLI). */
export const systemModules: ModulePack = {
  apt,
  apt_repository: aptRepository,
  deb822_repository: deb822Repository,
  package: packageModule,
  service,
  systemd_service: systemdService,
  systemd,
  user,
  group,
  authorized_key: authorizedKey,
  hostname,
  timezone,
  sysctl,
  mount,
  filesystem,
  ufw,
  cron,
  get_url: getUrl,
  unarchive,
};
