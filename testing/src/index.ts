export { createTestDatabase, withDatabase, type BackendFilter, type TestDatabase } from './test-database';
export { dockerAvailable } from './postgres-server';
export { startFakeTelegram, type FakeTelegram, type TelegramCall, type TelegramSentMessage } from './fake-telegram';
export {
  startFakeDiscord,
  DISCORD_ERRORS,
  type FakeDiscord,
  type DiscordCall,
  type DiscordSentMessage,
  type DiscordUpload,
} from './fake-discord';
export {
  CALLBACK,
  MESSAGE_FLAGS,
  type FakeInteraction,
  type FakeInteractions,
  type FakeAppMessage,
  type CommandOptionInput,
} from './fake-discord-interactions';
export { type FakeApplications } from './fake-discord-applications';
export {
  snowflakeAt,
  fakeUser,
  INTENTS,
  CHANNEL_TYPES,
  DISCORD_EPOCH,
  type FakeGateway,
  type FakeGuild,
  type FakeMember,
  type FakeUser,
  type GatewaySession,
  type MessageInput,
} from './fake-discord-gateway';
export {
  createFakeDiscordOAuth,
  type FakeDiscordOAuth,
  type FakeOAuthApplication,
  type FakeOAuthTokens,
  type FakeOAuthUser,
  type OAuthCall,
  type RoleConnectionPut,
} from './fake-discord-oauth';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { startRestartablePostgres, type RestartablePostgres } from './restartable-postgres';
export { waitUntil, sleep, persistently } from './http-fake';
export { spawnMain, killSpawned, REGISTER_TS, type MainProcess } from './spawn-main';
export {
  startPlayground,
  PLAYGROUND_PLAYERS,
  PLAYGROUND_GUILD_ID,
  PLAYGROUND_RANK_ROLES,
  PLAYGROUND_TOKENS,
  type Playground,
  type PlaygroundPlayer,
  type TranscriptEntry,
} from './playground';
export type { SlashCommandEntry, DiscordReplyEntry } from './playground-slash-commands';
export { processesMarked } from './leftover-processes';
