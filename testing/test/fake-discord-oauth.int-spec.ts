import { startFakeDiscord, type FakeDiscord } from '../src';

// The OAuth2 stand-in as a website and the worker speak to it: plain HTTP, Discord's wire format.
let fake: FakeDiscord;
let origin: string;
const REDIRECT = 'http://127.0.0.1:9/auth/discord/callback';
const EVA = { id: '400000000000000001', username: 'eva', global_name: 'Ева' };

beforeAll(async () => {
  fake = await startFakeDiscord();
  origin = new URL(fake.url).origin;
  fake.oauth.application.redirectUris.push(REDIRECT);
});
afterAll(() => fake.close());

const authorizeUrl = (params: Record<string, string>) =>
  `${origin}/oauth2/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: fake.oauth.application.id,
    redirect_uri: REDIRECT,
    scope: 'identify role_connections.write',
    state: 'st-1',
    ...params,
  })}`;

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });

async function codeFor(user = EVA): Promise<string> {
  fake.oauth.approve(user);
  const res = await fetch(authorizeUrl({}), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const to = new URL(res.headers.get('location')!);
  expect(`${to.origin}${to.pathname}`).toBe(REDIRECT);
  expect(to.searchParams.get('state')).toBe('st-1');
  return to.searchParams.get('code')!;
}

const client = { client_id: '', client_secret: '' };
beforeEach(() => {
  client.client_id = fake.oauth.application.id;
  client.client_secret = fake.oauth.application.secret;
});

test('authorize validates the client, redirect URI, scope and state', async () => {
  const unknownClient = await fetch(authorizeUrl({ client_id: '1' }), { redirect: 'manual' });
  expect(unknownClient.status).toBe(400);
  const otherRedirect = await fetch(authorizeUrl({ redirect_uri: 'http://evil.example/cb' }), { redirect: 'manual' });
  expect(otherRedirect.status).toBe(400);
  const badScope = await fetch(authorizeUrl({ scope: 'identify admin' }), { redirect: 'manual' });
  expect(new URL(badScope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  const noState = await fetch(authorizeUrl({ state: '' }), { redirect: 'manual' });
  expect(noState.status).toBe(400);
  const nobodyApproved = await fetch(authorizeUrl({}), { redirect: 'manual' });
  expect(nobodyApproved.status).toBe(403);
  fake.oauth.deny();
  const denied = await fetch(authorizeUrl({}), { redirect: 'manual' });
  expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
});

test('a code is exchanged once, with body or Basic client auth, for tokens that read /users/@me', async () => {
  const code = await codeFor();
  const wrongSecret = await form({
    ...client,
    client_secret: 'nope',
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
  });
  expect(wrongSecret.status).toBe(401);
  const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
  const res = await form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { authorization: basic });
  expect(res.status).toBe(200);
  const tokens = await res.json();
  expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 604800, scope: 'identify role_connections.write' });
  const again = await form({ ...client, grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  expect(again.status).toBe(400);
  expect(await again.json()).toMatchObject({ error: 'invalid_grant' });

  const me = await fetch(`${fake.url}/v10/users/@me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(await me.json()).toMatchObject({ id: EVA.id, username: 'eva', global_name: 'Ева' });
  const unknown = await form({ ...client, grant_type: 'authorization_code', code: 'made-up', redirect_uri: REDIRECT });
  expect(unknown.status).toBe(400);
});

test('role connection PUT is recorded; expiry needs a refresh; revocation ends both tokens', async () => {
  const tokens = await (
    await form({ ...client, grant_type: 'authorization_code', code: await codeFor(), redirect_uri: REDIRECT })
  ).json();
  const put = (access: string, body: unknown) =>
    fetch(`${fake.url}/v10/users/@me/applications/${fake.oauth.application.id}/role-connection`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const body = {
    platform_name: 'TTFD',
    platform_username: 'Ева',
    metadata: { level: 3, games_won: 1, daily_streak: 2 },
  };
  expect((await put(tokens.access_token, body)).status).toBe(200);
  expect(fake.oauth.roleConnections.at(-1)).toMatchObject({ userId: EVA.id, body });
  expect(fake.oauth.roleConnectionOf(EVA.id)?.metadata).toEqual({ level: '3', games_won: '1', daily_streak: '2' });

  fake.oauth.expire(EVA.id);
  expect((await put(tokens.access_token, body)).status).toBe(401);
  const refreshed = await (
    await form({ ...client, grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  ).json();
  expect(refreshed.access_token).not.toBe(tokens.access_token);
  expect((await put(refreshed.access_token, body)).status).toBe(200);
  const oldRefresh = await form({ ...client, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  expect(oldRefresh.status).toBe(400);

  fake.oauth.revoke(EVA.id);
  expect((await put(refreshed.access_token, body)).status).toBe(401);
  const afterRevoke = await form({ ...client, grant_type: 'refresh_token', refresh_token: refreshed.refresh_token });
  expect(await afterRevoke.json()).toMatchObject({ error: 'invalid_grant' });
});

test('a token without role_connections.write cannot set the role connection', async () => {
  const tokens = fake.oauth.issueGrant({ id: '400000000000000002', username: 'fedor' }, ['identify']);
  const res = await fetch(`${fake.url}/v10/users/@me/applications/${fake.oauth.application.id}/role-connection`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { level: 1 } }),
  });
  expect(res.status).toBe(403);
});
