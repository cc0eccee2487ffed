export { startDiscord, startDiscordService, type DiscordParts, type DiscordService, type DiscordOptions } from './main';
export { configSchema, parseDiscordConfig, type DiscordConfig } from './config';
