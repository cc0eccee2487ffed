import type { DiscordHost, RouteCall } from './fake-discord-routes';

/** Application-level endpoints Discord keeps per application: its commands and Linked Roles metadata. */
export interface FakeApplications {
  /** Global commands per application id, as the last bulk overwrite set them (with ids). */
  global: Map<string, any[]>;
  /** Guild commands per `<application id>/<guild id>`. */
  guild: Map<string, any[]>;
  /** Role-connection metadata per application id, as the last PUT set it. */
  roleConnectionMetadata: Map<string, any[]>;
  /** Every bulk overwrite and metadata PUT, in order (bodies as sent). */
  writes: RouteCall[];
}

const invalidForm = (errors: string) => ({ status: 400, code: 50035, message: `Invalid Form Body: ${errors}` });

/** What Discord checks of a command before it takes a bulk overwrite (a subset of its validation). */
function commandProblem(command: any): string | null {
  const name = /^[-_\p{L}\p{N}]{1,32}$/u;
  if (typeof command?.name !== 'string' || !name.test(command.name) || command.name !== command.name.toLowerCase())
    return `name ${JSON.stringify(command?.name)}`;
  if (typeof command.description !== 'string' || command.description.length < 1 || command.description.length > 100)
    return `description of ${command.name}`;
  for (const [locale, localized] of Object.entries(command.name_localizations ?? {})) {
    if (typeof localized !== 'string' || !name.test(localized))
      return `name_localizations.${locale} of ${command.name}`;
  }
  for (const option of command.options ?? []) {
    const problem = commandProblem(option);
    if (problem) return `option ${problem}`;
  }
  return null;
}

function metadataProblem(fields: any[]): string | null {
  if (fields.length > 5) return 'at most 5 metadata fields';
  for (const f of fields) {
    if (typeof f?.key !== 'string' || !/^[a-z0-9_]{1,50}$/.test(f.key)) return `key ${JSON.stringify(f?.key)}`;
    if (![1, 2, 3, 4, 5, 6, 7, 8].includes(f.type)) return `type of ${f.key}`;
    if (typeof f.name !== 'string' || f.name.length < 1 || f.name.length > 100) return `name of ${f.key}`;
    if (typeof f.description !== 'string' || f.description.length < 1 || f.description.length > 200)
      return `description of ${f.key}`;
  }
  return null;
}

/**
 * `PUT /applications/{id}/commands`, `PUT /applications/{id}/guilds/{guild}/commands`
 * (bulk overwrite: the list replaces the previous one, each command gets an id) and
 * `PUT|GET /applications/{id}/role-connections/metadata`. Only the application's own bot
 * token may write them (the gateway's bot user id is the application id).
 */
export function attachApplications(fake: DiscordHost): FakeApplications {
  const applications: FakeApplications = {
    global: new Map(),
    guild: new Map(),
    roleConnectionMetadata: new Map(),
    writes: [],
  };
  let nextId = 910000000000000000n;

  fake.routes.push((call, reply) => {
    let m: RegExpExecArray | null;
    const own = (appId: string) => appId === fake.gateway.botUser.id;
    if ((m = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(call.path)) && call.method === 'PUT') {
      const [, appId, guildId] = m;
      if (!own(appId!)) {
        reply.fail({
          status: 403,
          code: 20012,
          message: 'You are not authorized to perform this action on this application',
        });
        return true;
      }
      if (!Array.isArray(call.body)) {
        reply.fail(invalidForm('a list of commands'));
        return true;
      }
      const problem = call.body.map(commandProblem).find((p: string | null) => p !== null);
      if (problem) {
        reply.fail(invalidForm(problem));
        return true;
      }
      const saved = call.body.map((c: object) => ({
        id: String(nextId++),
        application_id: appId,
        ...(guildId ? { guild_id: guildId } : {}),
        version: String(nextId++),
        default_member_permissions: null,
        ...c,
      }));
      if (guildId) applications.guild.set(`${appId}/${guildId}`, saved);
      else {
        applications.global.set(appId!, saved);
        fake.commands = saved;
      }
      applications.writes.push(call);
      reply.ok(200, saved);
      return true;
    }
    if ((m = /^\/applications\/(\d+)\/role-connections\/metadata$/.exec(call.path))) {
      const appId = m[1]!;
      if (call.method === 'GET') {
        reply.ok(200, applications.roleConnectionMetadata.get(appId) ?? []);
        return true;
      }
      if (call.method !== 'PUT') return false;
      if (!own(appId)) {
        reply.fail({
          status: 403,
          code: 20012,
          message: 'You are not authorized to perform this action on this application',
        });
        return true;
      }
      const problem = Array.isArray(call.body) ? metadataProblem(call.body) : 'a list of metadata fields';
      if (problem) {
        reply.fail(invalidForm(problem));
        return true;
      }
      applications.roleConnectionMetadata.set(appId, call.body);
      applications.writes.push(call);
      reply.ok(200, call.body);
      return true;
    }
    return false;
  });
  return applications;
}
