import type { RoleConnectionMetadata, RoleConnectionTokens } from '@ttfd/shared';
import { DeliveryError, type ObserveRequest } from './delivery-error';

/** What Discord shows on the player's profile for the TTFD app (Linked Roles). */
export interface RoleConnectionBody {
  platform_name: string;
  platform_username: string;
  metadata: RoleConnectionMetadata;
}

/** Discord refused the player's grant (401 with their token, `invalid_grant` on refresh): they withdrew it. */
export class GrantRevokedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrantRevokedError';
  }
}

/** Sets players' role connections with their own OAuth tokens. */
export interface RoleConnectionDriver {
  /** Throws GrantRevokedError when the token is refused (expired or withdrawn: try a refresh first). */
  put(accessToken: string, body: RoleConnectionBody): Promise<void>;
  /** Throws GrantRevokedError when the refresh token is refused. */
  refresh(refreshToken: string): Promise<RoleConnectionTokens>;
}

export interface RoleConnectionDriverOptions {
  /** Base API URL without the version (default https://discord.com/api). */
  apiRoot?: string;
  applicationId: string;
  clientSecret: string;
  timeoutMs?: number;
  observe?: ObserveRequest;
}

/** Discord's user-token endpoints over fetch: a bot token cannot set a user's role connection. */
export function createRoleConnectionDriver(options: RoleConnectionDriverOptions): RoleConnectionDriver {
  const api = `${(options.apiRoot ?? 'https://discord.com/api').replace(/\/$/, '')}/v10`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const observe = options.observe ?? (() => {});

  async function request(path: string, init: RequestInit): Promise<{ status: number; body: any }> {
    let res: Response;
    try {
      res = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      observe('transient_error');
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new DeliveryError('discord', 'transient', timedOut ? 'request timed out' : (err as Error).message, {
        cause: err,
      });
    }
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    if (res.status === 429) {
      observe('rate_limited');
      const seconds = Number(body?.retry_after ?? res.headers.get('retry-after') ?? 1);
      throw new DeliveryError('discord', 'rate_limited', `role connection rate limited for ${seconds} s`, {
        retryAfterMs: Math.ceil(seconds * 1000),
      });
    }
    if (res.status >= 500) {
      observe('transient_error');
      throw new DeliveryError('discord', 'transient', `${res.status} from ${path}`);
    }
    observe(res.ok ? 'ok' : res.status === 401 || res.status === 400 ? 'unreachable' : 'permanent_error');
    return { status: res.status, body };
  }

  return {
    async put(accessToken, body) {
      const res = await request(`/users/@me/applications/${options.applicationId}/role-connection`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status === 401) throw new GrantRevokedError('Discord refused the player token (401)');
      if (res.status >= 400)
        throw new DeliveryError(
          'discord',
          'permanent',
          `role connection refused: ${res.status} ${JSON.stringify(res.body)}`,
        );
    },
    async refresh(refreshToken) {
      const basic = Buffer.from(`${options.applicationId}:${options.clientSecret}`).toString('base64');
      const res = await request('/oauth2/token', {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      });
      if (res.status === 400 && res.body?.error === 'invalid_grant')
        throw new GrantRevokedError('Discord refused the refresh token (invalid_grant)');
      if (res.status === 401)
        throw new DeliveryError(
          'discord',
          'misconfigured',
          'Discord refused the client credentials (401): DISCORD_APPLICATION_ID or DISCORD_CLIENT_SECRET is wrong',
        );
      if (res.status >= 400) throw new DeliveryError('discord', 'permanent', `token refresh refused: ${res.status}`);
      return {
        accessToken: res.body.access_token,
        refreshToken: res.body.refresh_token,
        expiresInSeconds: Number(res.body.expires_in),
        scope: String(res.body.scope ?? ''),
      };
    },
  };
}
