import type { Command } from './command';

/** `/help`: the command menu in the player's language. */
export const helpCommand: Command = {
  name: 'help',
  async run({ t }, chat, { commands }) {
    await chat.reply(t.help(commands.map((c) => `/${c.name} — ${t.commands[c.name]}`)));
  },
};
