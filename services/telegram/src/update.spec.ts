import { isUpdate, parseUpdate, updateType } from './update';

describe('incoming updates', () => {
  it('accepts only objects with a non-negative integer update_id', () => {
    expect(isUpdate({ update_id: 0 })).toBe(true);
    for (const body of [
      null,
      1,
      'x',
      [],
      {},
      { update_id: -1 },
      { update_id: 1.5 },
      { update_id: '1' },
      { update_id: 2 ** 60 },
    ])
      expect(isUpdate(body)).toBe(false);
  });

  it('names the update type from the Bot API list, or unknown', () => {
    expect(updateType({ update_id: 1, edited_message: {} })).toBe('edited_message');
    expect(updateType({ update_id: 1, something_new: {} })).toBe('unknown');
  });

  it('cleans names for storage and picks the language', () => {
    const incoming = parseUpdate({
      update_id: 3,
      message: {
        message_id: 9,
        chat: { id: 42, type: 'private' },
        from: {
          id: 42,
          is_bot: false,
          first_name: ' An\u0000na ',
          last_name: 'K',
          username: 'a\u0000nna',
          language_code: 'en-US',
        },
        text: '/start',
      },
    } as never);
    expect(incoming).toEqual({
      kind: 'message',
      updateId: 3,
      messageId: 9,
      chat: { id: 42, private: true },
      from: { telegramId: 42, isBot: false, username: 'anna', name: 'Anna K', displayName: 'Anna K', locale: 'en' },
      text: '/start',
    });
  });

  it('treats a message it cannot read as something to ignore', () => {
    expect(parseUpdate({ update_id: 4, message: { chat: 'nope' } } as never)).toEqual({ kind: 'other', updateId: 4 });
    expect(
      parseUpdate({
        update_id: 5,
        message: { message_id: 1, chat: { id: 1, type: 'private' }, from: { id: 0 } },
      } as never),
    ).toEqual({ kind: 'other', updateId: 5 });
  });
});
