import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { sendJson } from './http-fake';

/** The Discord user who signs in at the stand-in's authorize page. */
export interface FakeOAuthUser {
  id: string;
  username: string;
  global_name?: string | null;
  avatar?: string | null;
  email?: string | null;
}

export interface FakeOAuthApplication {
  /** The client id (a Discord application id). */
  id: string;
  secret: string;
  redirectUris: string[];
}

/** What the token endpoint answers, as Discord does. */
export interface FakeOAuthTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
}

/** One body a player's token PUT to `/users/@me/applications/{id}/role-connection`. */
export interface RoleConnectionPut {
  applicationId: string;
  userId: string;
  body: any;
  at: number;
}

/** One request the OAuth side of the stand-in received. */
export interface OAuthCall {
  method: string;
  path: string;
  /** Form fields (token endpoint), query (authorize) or JSON body. */
  body: any;
  auth: string | undefined;
  status: number;
  at: number;
}

export interface FakeDiscordOAuth {
  /** The registered application; tests may change its secret or redirect URIs. */
  application: FakeOAuthApplication;
  /** Seconds until a new access token expires (Discord: 604800). */
  expiresInSeconds: number;
  calls: OAuthCall[];
  roleConnections: RoleConnectionPut[];
  /** The next authorize request is approved by this user (queued, first in first out). */
  approve(user: FakeOAuthUser, options?: { scopes?: string[] }): void;
  /** The next authorize request is refused by the user (`error=access_denied`). */
  deny(): void;
  /** Mints tokens for a user as if they had gone through authorize and token exchange. */
  issueGrant(user: FakeOAuthUser, scopes: string[]): FakeOAuthTokens;
  /** The user's current access tokens stop working (401); the refresh token still does. */
  expire(userId: string): void;
  /** The user deauthorised the application: every token 401, the refresh token `invalid_grant`. */
  revoke(userId: string): void;
  /** The last role connection the user's token set for the application, as GET answers it. */
  roleConnectionOf(
    userId: string,
  ): { platform_name: string | null; platform_username: string | null; metadata: Record<string, string> } | null;
  /**
   * Serves the request when it is an OAuth2 one (authorize, token, revoke, or a Bearer
   * token on `/users/@me…`); false leaves it to the bot-token REST router.
   */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer): boolean;
}

const KNOWN_SCOPES = new Set([
  'identify',
  'email',
  'connections',
  'guilds',
  'guilds.join',
  'guilds.members.read',
  'role_connections.write',
  'applications.commands',
  'bot',
]);

interface Grant {
  user: FakeOAuthUser;
  scopes: string[];
  /** access token → expiry (ms epoch) */
  access: Map<string, number>;
  refresh: string;
  revoked: boolean;
}

interface PendingCode {
  user: FakeOAuthUser;
  scopes: string[];
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

const token = () => randomBytes(15).toString('hex');

/**
 * Discord's OAuth2 authorization-code flow and the user-token endpoints the platform uses
 * (`/users/@me`, the application role connection), served on the fake Discord's port.
 * Authorize redirects for pre-approved users; the token endpoint takes form bodies with
 * client credentials in the body or Basic auth and answers RFC 6749 errors.
 */
export function createFakeDiscordOAuth(applicationId: string): FakeDiscordOAuth {
  const approvals: ({ user: FakeOAuthUser; scopes?: string[] } | 'deny')[] = [];
  const codes = new Map<string, PendingCode>();
  const grants = new Map<string, Grant>();
  const connections = new Map<
    string,
    { platform_name: string | null; platform_username: string | null; metadata: Record<string, string> }
  >();

  function grantFor(user: FakeOAuthUser, scopes: string[]): FakeOAuthTokens {
    const existing = grants.get(user.id);
    const grant: Grant =
      existing && !existing.revoked ? existing : { user, scopes: [], access: new Map(), refresh: '', revoked: false };
    grant.user = user;
    grant.scopes = [...new Set([...grant.scopes, ...scopes])];
    grants.set(user.id, grant);
    return rotate(grant);
  }

  function rotate(grant: Grant): FakeOAuthTokens {
    const access = token();
    grant.access.set(access, Date.now() + oauth.expiresInSeconds * 1000);
    grant.refresh = token();
    return {
      access_token: access,
      refresh_token: grant.refresh,
      expires_in: oauth.expiresInSeconds,
      scope: grant.scopes.join(' '),
      token_type: 'Bearer',
    };
  }

  function bearer(auth: string | undefined): Grant | null {
    const m = /^Bearer (\S+)$/.exec(auth ?? '');
    if (!m) return null;
    for (const grant of grants.values()) {
      const expiresAt = grant.access.get(m[1]!);
      if (expiresAt === undefined) continue;
      return grant.revoked || expiresAt <= Date.now() ? null : grant;
    }
    return null;
  }

  const oauth: FakeDiscordOAuth = {
    application: { id: applicationId, secret: 'fake-client-secret', redirectUris: [] },
    expiresInSeconds: 604_800,
    calls: [],
    roleConnections: [],
    approve: (user, options = {}) => void approvals.push({ user, scopes: options.scopes }),
    deny: () => void approvals.push('deny'),
    issueGrant: (user, scopes) => grantFor(user, scopes),
    expire(userId) {
      const grant = grants.get(userId);
      for (const key of grant?.access.keys() ?? []) grant!.access.set(key, 0);
    },
    revoke(userId) {
      const grant = grants.get(userId);
      if (grant) grant.revoked = true;
    },
    roleConnectionOf: (userId) => connections.get(`${oauth.application.id}:${userId}`) ?? null,
    handle(req, res, url, raw) {
      const method = req.method ?? 'GET';
      const path = url.pathname.replace(/^\/api(\/v\d+)?(?=\/)/, '');
      const auth = req.headers.authorization;
      const isOAuthPath = path === '/oauth2/authorize' || path === '/oauth2/token' || path === '/oauth2/token/revoke';
      if (!isOAuthPath && !(path.startsWith('/users/@me') && /^Bearer /.test(auth ?? ''))) return false;
      const contentType = String(req.headers['content-type'] ?? '');
      let body: any;
      if (path === '/oauth2/authorize') body = Object.fromEntries(url.searchParams);
      else if (contentType.startsWith('application/x-www-form-urlencoded'))
        body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
      else if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = raw.toString('utf8');
        }
      }
      const call: OAuthCall = { method, path, body, auth, status: 0, at: Date.now() };
      oauth.calls.push(call);
      const reply = (status: number, result: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        call.status = status;
        sendJson(res, status, result, headers);
      };
      const redirect = (to: string) => {
        call.status = 302;
        res.writeHead(302, { location: to });
        res.end();
      };

      if (path === '/oauth2/authorize' && method === 'GET') return (authorize(body, reply, redirect), true);
      if (path === '/oauth2/token' && method === 'POST') return (exchange(body, auth, contentType, reply), true);
      if (path === '/oauth2/token/revoke' && method === 'POST') {
        if (!clientAuthenticated(body, auth)) return (reply(401, { error: 'invalid_client' }), true);
        for (const grant of grants.values()) {
          if (grant.refresh === body?.token || grant.access.has(body?.token)) grant.revoked = true;
        }
        return (reply(200, {}), true);
      }
      if (isOAuthPath) return (reply(405, { code: 0, message: '405: Method Not Allowed' }), true);

      const grant = bearer(auth);
      if (!grant) return (reply(401, { code: 0, message: '401: Unauthorized' }), true);
      if (path === '/users/@me' && method === 'GET') {
        if (!grant.scopes.includes('identify')) return (reply(401, { code: 0, message: '401: Unauthorized' }), true);
        const u = grant.user;
        return (
          reply(200, {
            id: u.id,
            username: u.username,
            discriminator: '0',
            global_name: u.global_name ?? null,
            avatar: u.avatar ?? null,
            ...(grant.scopes.includes('email') ? { email: u.email ?? null, verified: true } : {}),
          }),
          true
        );
      }
      const m = /^\/users\/@me\/applications\/(\d+)\/role-connection$/.exec(path);
      if (m && (method === 'PUT' || method === 'GET')) {
        if (m[1] !== oauth.application.id) return (reply(403, { code: 50001, message: 'Missing Access' }), true);
        if (!grant.scopes.includes('role_connections.write'))
          return (reply(403, { code: 50001, message: 'Missing Access' }), true);
        const key = `${m[1]}:${grant.user.id}`;
        if (method === 'GET') {
          return (
            reply(200, connections.get(key) ?? { platform_name: null, platform_username: null, metadata: {} }),
            true
          );
        }
        const problem = roleConnectionProblem(body);
        if (problem) return (reply(400, { code: 50035, message: 'Invalid Form Body', errors: problem }), true);
        oauth.roleConnections.push({ applicationId: m[1]!, userId: grant.user.id, body, at: Date.now() });
        const current = {
          platform_name: body.platform_name ?? null,
          platform_username: body.platform_username ?? null,
          metadata: Object.fromEntries(Object.entries(body.metadata ?? {}).map(([k, v]) => [k, String(v)])),
        };
        connections.set(key, current);
        return (reply(200, current), true);
      }
      return (reply(404, { code: 0, message: '404: Not Found' }), true);
    },
  };

  function clientAuthenticated(body: any, auth: string | undefined): boolean {
    let id = body?.client_id;
    let secret = body?.client_secret;
    const basic = /^Basic (\S+)$/.exec(auth ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    return id === oauth.application.id && secret === oauth.application.secret;
  }

  function authorize(
    q: Record<string, string>,
    reply: (status: number, result: unknown) => void,
    redirect: (to: string) => void,
  ) {
    if (q.client_id !== oauth.application.id) return reply(400, { client_id: ['Unknown application'] });
    if (!q.redirect_uri || !oauth.application.redirectUris.includes(q.redirect_uri))
      return reply(400, { redirect_uri: ['Invalid OAuth2 redirect_uri'] });
    const to = new URL(q.redirect_uri);
    const back = (params: Record<string, string>) => {
      for (const [k, v] of Object.entries(params)) to.searchParams.set(k, v);
      if (q.state !== undefined) to.searchParams.set('state', q.state);
      redirect(to.toString());
    };
    if (q.response_type !== 'code') return back({ error: 'unsupported_response_type' });
    const scopes = (q.scope ?? '').split(/[ +]/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s))) return back({ error: 'invalid_scope' });
    if (!q.state) return reply(400, { state: ['A state parameter is required by this stand-in'] });
    const next = approvals.shift();
    if (!next) return reply(403, { message: 'No user approved this authorization (call oauth.approve(user) first)' });
    if (next === 'deny')
      return back({
        error: 'access_denied',
        error_description: 'The resource owner or authorization server denied the request',
      });
    const granted = next.scopes ? scopes.filter((s) => next.scopes!.includes(s)) : scopes;
    const code = token();
    codes.set(code, {
      user: next.user,
      scopes: granted,
      redirectUri: q.redirect_uri,
      expiresAt: Date.now() + 600_000,
      used: false,
    });
    back({ code });
  }

  function exchange(
    body: any,
    auth: string | undefined,
    contentType: string,
    reply: (status: number, result: unknown, headers?: http.OutgoingHttpHeaders) => void,
  ) {
    if (!contentType.startsWith('application/x-www-form-urlencoded'))
      return reply(400, {
        error: 'invalid_request',
        error_description: 'Body must be application/x-www-form-urlencoded',
      });
    if (!clientAuthenticated(body, auth)) return reply(401, { error: 'invalid_client' });
    const invalidGrant = (description: string) =>
      reply(400, { error: 'invalid_grant', error_description: description });
    if (body.grant_type === 'authorization_code') {
      const pending = codes.get(String(body.code ?? ''));
      if (!pending || pending.used || pending.expiresAt <= Date.now())
        return invalidGrant(`Invalid "code" in request.`);
      if (body.redirect_uri !== pending.redirectUri) return invalidGrant('Invalid "redirect_uri" in request.');
      pending.used = true;
      return reply(200, grantFor(pending.user, pending.scopes));
    }
    if (body.grant_type === 'refresh_token') {
      const grant = [...grants.values()].find((g) => g.refresh !== '' && g.refresh === body.refresh_token);
      if (!grant || grant.revoked) return invalidGrant('Invalid "refresh_token" in request.');
      return reply(200, rotate(grant));
    }
    return reply(400, { error: 'unsupported_grant_type' });
  }

  return oauth;
}

function roleConnectionProblem(body: any): string | null {
  if (!body || typeof body !== 'object') return 'body must be a JSON object';
  if (body.platform_name != null && String(body.platform_name).length > 50) return 'platform_name longer than 50';
  if (body.platform_username != null && String(body.platform_username).length > 100)
    return 'platform_username longer than 100';
  const metadata = body.metadata ?? {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return 'metadata must be an object';
  const keys = Object.keys(metadata);
  if (keys.length > 5) return 'metadata has more than 5 keys';
  for (const k of keys) {
    if (!/^[a-z0-9_]{1,50}$/.test(k)) return `metadata key ${k} is invalid`;
    const v = metadata[k];
    if (typeof v !== 'string' && typeof v !== 'number') return `metadata.${k} must be a string or a number`;
  }
  return null;
}
