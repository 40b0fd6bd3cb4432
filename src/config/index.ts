/** Configuration: one zod schema, loaded from env and an optional JSON file, frozen. */
export { ConfigError, type LoadConfigOptions, loadConfig, redactConfig } from './load.js';
export { type Config, type ConfigInput, ConfigSchema } from './schema.js';
export { listSettings, renderEnvExample, type SettingInfo } from './settings.js';
