import type { Locale } from '@ttfd/shared';

/** The admin page's sentences in each language. */
export interface AdminTexts {
  title: string;
  pending: string;
  waitingRetry: string;
  oldestPending: string;
  dead: string;
  lagTitle: string;
  minutesAgo: string;
  noEvents: string;
  deadTitle: string;
  noDead: string;
  event: string;
  player: string;
  attempts: string;
  deadAt: string;
  error: string;
  replay: string;
  replayed: string;
  notDead: string;
  seconds: (s: number) => string;
}

const en: AdminTexts = {
  title: 'Event pipeline',
  pending: 'Pending events',
  waitingRetry: 'of them waiting for a retry',
  oldestPending: 'Oldest pending',
  dead: 'Dead letters',
  lagTitle: 'Lag from created to processed, per minute, last hour (p50, p95, p99)',
  minutesAgo: 'minutes ago',
  noEvents: 'No event was processed in the last hour',
  deadTitle: 'Dead letters',
  noDead: 'No dead letters.',
  event: 'Event',
  player: 'Player',
  attempts: 'Attempts',
  deadAt: 'Dead since',
  error: 'Error',
  replay: 'Replay',
  replayed: 'The event is back in the queue.',
  notDead: 'That event is not a dead letter (any more).',
  seconds: (s) => `${s.toLocaleString('en', { maximumFractionDigits: 1 })} s`,
};

const ru: AdminTexts = {
  title: 'Конвейер событий',
  pending: 'Ожидают обработки',
  waitingRetry: 'из них ждут повтора',
  oldestPending: 'Самое старое ожидающее',
  dead: 'Недоставленные',
  lagTitle: 'Задержка от создания до обработки по минутам за последний час (p50, p95, p99)',
  minutesAgo: 'минут назад',
  noEvents: 'За последний час событий не обработано',
  deadTitle: 'Недоставленные события',
  noDead: 'Недоставленных событий нет.',
  event: 'Событие',
  player: 'Игрок',
  attempts: 'Попытки',
  deadAt: 'Недоставлено с',
  error: 'Ошибка',
  replay: 'Повторить',
  replayed: 'Событие снова в очереди.',
  notDead: 'Это событие не в списке недоставленных.',
  seconds: (s) => `${s.toLocaleString('ru', { maximumFractionDigits: 1 })} с`,
};

export const adminTexts = (locale: Locale): AdminTexts => (locale === 'ru' ? ru : en);
