// kbrun's configuration: kbrun.config.yaml, KBRUN_* variables and flags, from one settings table.
export { loadConfig, findConfigFile, CONFIG_FILE_NAME, CONFIG_FILE_ENV, type ConfigSource, type EffectiveConfig, type LoadConfigOptions } from './load-config.js';
export { renderConfig } from './render-config.js';
export { CONFIG_FLAG_OPTIONS, parseConfigFlags, configFlagUsage, type ConfigFlagOptions, type ConfigFlags } from './config-flags.js';
export { SETTINGS, SETTING_KEYS, DEFAULT_CONFIG, type KbrunConfig, type SettingKey, type SettingSpec } from './settings.js';
