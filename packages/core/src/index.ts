// @kbrun/core: the engine's public API.
export { KbrunError, KbrunErrors, isKbrunError, type ErrorCode } from './errors/kbrun-error.js';
export { formatLocation, renderExcerpt, type SourceLocation } from './source/location.js';
export { parseYaml, loadYamlFile, readVarsFile, locationOf, valueLocationOf } from './source/yaml-loader.js';
export { ConnectionError, type Connection, type ExecOptions, type ExecResult, type PutOptions } from './connection/connection.js';
export { LocalConnection } from './connection/local-connection.js';
export { TcpConnectError, tcpFailureOfErrno, type TcpFailure, type TcpOptions } from './connection/tcp-stream.js';
export { withBecome, type BecomeOptions } from './connection/become.js';
export { sudoPlan, type SudoPlan } from './connection/sudo-plan.js';
export { SudoDialog, type SudoDialogIo } from './connection/sudo-dialog.js';
export {
  defineModule,
  type AnyModule,
  type ArgsSchema,
  type FileDiff,
  type ModuleContext,
  type ModuleDefinition,
  type ModulePack,
  type ModuleResult,
} from './modules/define-module.js';
export type { EventListener, HostStats, HostStatus, KbrunEvent, TaskInfo } from './events/events.js';
export { dial, setAddressMap, type AddressMap, type DialOptions } from './net/dialer.js';
export { guardedDispatcher } from './net/http-dispatcher.js';
export { connectionDispatcher, startTls, streamDispatcher, type StreamDispatcherOptions, type StreamOpener, type TlsOptions } from './net/stream-dispatcher.js';
export { enableLoopbackOnly, guardAddress, isLoopbackAddress, loopbackOnly } from './net/loopback-guard.js';
export { shellJoin, shellQuote, shellSplit } from './util/quote.js';
export { didYouMean, suggest } from './util/similar.js';
export { createClock, type Clock } from './util/clock.js';
export { Inventory, type InventoryGroup, type InventoryHost } from './inventory/inventory.js';
export { loadInventory, expandHostRange } from './inventory/load-inventory.js';
export { addInventoryData, type InventoryData, type InventoryPlugin } from './inventory/inventory-plugin.js';
export { resolveHostPattern } from './inventory/host-pattern.js';
export { KEYWORDS, type KeywordSpec } from './language/keywords.js';
export { LOOKUPS, UNSUPPORTED_LOOKUPS } from './lookups/lookup-table.js';
export type { LookupSpec } from './lookups/lookup-types.js';
export { GLOBALS } from './expr/globals.js';
export { MAGIC_VARIABLES, type MagicVariable } from './vars/magic-variables.js';
export { loadPlaybook, type LoadOptions } from './language/load-playbook.js';
export type { Block, Include, MetaTask, Play, Playbook, Task, TaskNode } from './language/model.js';
export { TagFilter } from './exec/tag-filter.js';
export { playbookJsonSchema, type SchemaRoot } from './language/playbook-schema.js';
export { ModuleRegistry } from './modules/module-registry.js';
export { Templar, OMIT, stringify } from './template/templar.js';
export { FILTERS, FILTER_SPECS, type FilterSpec } from './template/filters.js';
export { TEST_SPECS, type TestSpec } from './expr/tests.js';
export { renderTemplateFile, type TemplateFileOptions } from './template/render-file.js';
export type { JinjaSyntax } from './template/jinja/options.js';
export { compileExpression, evaluateCondition, ExpressionError, pyJsonDumps, truthy, UndefinedVariableError } from './expr/index.js';
export { datetimeFromEpoch, PyDateTime, PyTimeDelta } from './expr/index.js';
/** Python fnmatch's reading of a shell pattern (`*`, `?`, `[a-z]`, `[!x]`) as an anchored RegExp. */
export { fnmatchRegExp } from './util/py-glob.js';
/** A controller file written through a temporary sibling and a rename (never half-written), with its mode from the start. */
export { writeFileAtomic, type AtomicWriteOptions } from './util/write-atomic.js';
export { runPlaybook, executePlaybook, type ConnectionFactory, type RunPlaybookOptions, type RunPlaybookResult } from './exec/run-playbook.js';
export { decryptVault, encryptVault, isVaultText, VAULT_HEADER } from './secrets/vault.js';
export { VaultKeyring } from './secrets/vault-keyring.js';
export { readVaultPasswordFile } from './secrets/vault-password.js';
export { DEFAULT_SECRET_PATTERNS, REDACTED, Redactor } from './secrets/redactor.js';
export { configureSecrets, processSecrets, type ProcessSecrets } from './secrets/process-secrets.js';
