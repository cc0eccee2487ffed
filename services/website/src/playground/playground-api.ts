/**
 * The website's side of the playground control API (`testing/src/playground.ts` documents
 * it): what the page needs of it, typed here, since production code never imports the test kit.
 */

export interface PlaygroundPlayer {
  name: string;
  telegram: { id: number; first_name: string };
  discord: { id: string; global_name: string };
}

export interface PlaygroundState {
  telegram: boolean;
  discord: boolean;
  players: PlaygroundPlayer[];
  guild: {
    name: string;
    channels: { id: string; name: string; type: number }[];
    members: { player: string; roles: string[] }[];
  } | null;
}

type Buttons = { text: string; data: string }[][];

/** One thing a chat pane shows (the control API's transcript entry). */
export type Entry = { seq: number } & (
  | { kind: 'telegram_update'; player: string; text?: string; pressed?: string }
  | {
      kind: 'telegram_message' | 'telegram_edit';
      player: string | null;
      message_id: number;
      text?: string;
      dice?: { emoji: string; value: number };
      buttons?: Buttons;
    }
  | { kind: 'discord_message'; player: string; channel: string; content: string }
  | { kind: 'discord_bot_message'; channel: string; content: string }
  | { kind: 'discord_dm'; player: string | null; content: string }
  | { kind: 'discord_role'; player: string | null; role: string | null; role_id: string; change: 'added' | 'removed' }
  | { kind: 'discord_command'; player: string; channel: string; command: string }
  | { kind: 'discord_press'; player: string; label: string }
  | {
      kind: 'discord_reply';
      player: string | null;
      message_id: string;
      channel: string;
      ephemeral: boolean;
      content: string;
      embeds: { title?: string; description?: string }[];
      buttons: { custom_id: string; label: string; disabled: boolean }[];
      edited: boolean;
    }
);

/** The stand-ins refused (status 400/404/409, their message) or did not answer (status 503). */
export class PlaygroundRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly unreachable = false,
  ) {
    super(message);
  }
}

export interface PlaygroundApi {
  url: string;
  state(): Promise<PlaygroundState>;
  transcript(after: number, wait: number): Promise<{ entries: Entry[]; cursor: number }>;
  post(route: string, body: object): Promise<unknown>;
}

export function playgroundApi(url: string): PlaygroundApi {
  async function call(method: string, route: string, body?: object, timeoutMs = 10_000): Promise<any> {
    let res: Response;
    try {
      res = await fetch(`${url}${route}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body && JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new PlaygroundRefusal(503, url, true);
    }
    const answer = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok) throw new PlaygroundRefusal(res.status, answer.error ?? `status ${res.status}`);
    return answer;
  }
  return {
    url,
    state: () => call('GET', '/playground'),
    transcript: (after, wait) =>
      call('GET', `/playground/transcript?after=${after}&wait=${wait}`, undefined, wait + 10_000),
    post: (route, body) => call('POST', route, body),
  };
}

/**
 * A line typed into the Discord pane: a message, or a slash command as the client shows it,
 * `/name [subcommand] [option:value ...]` (`/link code:ABCD234567`, `/notify on`).
 */
export function parseDiscordLine(
  line: string,
): { command: { name: string; options: Record<string, string> } } | { message: string } {
  const text = line.trim();
  if (!text.startsWith('/')) return { message: line };
  const words = text.slice(1).split(/\s+/);
  const name: string[] = [];
  const options: Record<string, string> = {};
  for (const word of words) {
    const colon = word.indexOf(':');
    if (colon > 0) options[word.slice(0, colon)] = word.slice(colon + 1);
    else name.push(word);
  }
  return { command: { name: name.join(' '), options } };
}
