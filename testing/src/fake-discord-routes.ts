import type { FakeGateway } from './fake-discord-gateway';

/** A file uploaded with a multipart request (`files[n]`). */
export interface DiscordUpload {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A REST request as a route sees it (path without the /api/v10 prefix). */
export interface RouteCall {
  method: string;
  path: string;
  body: any;
  /** Files of a multipart request (its JSON is `body`, from `payload_json`). */
  files: DiscordUpload[];
  query: URLSearchParams;
  auth: string | undefined;
}

/** Answers for a route: a JSON success (with rate-limit headers) or a Discord error. */
export interface DiscordReply {
  ok(status: number, result?: unknown): void;
  fail(fault: { status: number; code: number; message: string }): void;
}

/** A route tried before the stand-in's built-in ones; true when it answered. */
export type DiscordRoute = (call: RouteCall, reply: DiscordReply) => boolean;

/** What the stand-in's features in their own files use of it. */
export interface DiscordHost {
  routes: DiscordRoute[];
  gateway: FakeGateway;
  cdnUrl: string;
  cdn: Map<string, { contentType: string; data: Buffer }>;
  /** Global application commands, as the last bulk overwrite set them. */
  commands: unknown[];
}
