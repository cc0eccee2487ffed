export { createTestDatabase, withDatabase, type TestDatabase } from './test-database';
export { dockerAvailable } from './postgres-server';
export { startFakeTelegram, type FakeTelegram, type TelegramCall, type TelegramSentMessage } from './fake-telegram';
export {
  startFakeDiscord,
  DISCORD_ERRORS,
  type FakeDiscord,
  type DiscordCall,
  type DiscordSentMessage,
} from './fake-discord';
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
export { waitUntil, sleep } from './http-fake';
export { spawnMain, killSpawned, REGISTER_TS, type MainProcess } from './spawn-main';
