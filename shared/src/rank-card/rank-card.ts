/**
 * The rank card: a PNG with the player's avatar, name, rank, XP bar to the next rank,
 * leaderboard place and linked platforms, in their language. The Discord bot attaches it
 * to /profile and the website serves the same image.
 *
 *   const png = await renderRankCard(rankCardOf(profile, { locale, position, avatar }));
 *
 * Drawn with @napi-rs/canvas (Skia, prebuilt binaries from npm) in fonts that ship with
 * the npm packages, never the machine's: Noto Sans (Latin and Cyrillic, SIL OFL 1.1, from
 * @fontsource/noto-sans) and Noto Color Emoji (OFL, @fontsource/noto-color-emoji), so the
 * card looks the same in every container. The canvas library and the fonts load on the
 * first card (or `loadRankCardFonts()`), not when @ttfd/shared is imported.
 */
import type { Platform } from '../platform';
import { RANK_CARD_TEXTS } from '../catalogue/discord';
import type { Locale } from '../catalogue/locale';
import { platformName } from '../catalogue/platforms';
import { rankName } from '../catalogue/ranks';
import type { PlayerProfile } from '../views/profile';

export const RANK_CARD_WIDTH = 934;
export const RANK_CARD_HEIGHT = 282;

export interface RankCard {
  locale: Locale;
  name: string;
  /** The avatar's bytes (PNG, JPEG, WebP or GIF); null: the name's initials are drawn. */
  avatar: Buffer | null;
  rankId: number;
  xp: number;
  /** The current rank's minimum XP. */
  rankMinXp: number;
  /** Null at the top rank. */
  next: { rankId: number; minXp: number } | null;
  /** The place on the overall leaderboard; null when unknown. */
  position: number | null;
  platforms: Platform[];
}

/** The card of a profile as `findProfile` returns it. */
export function rankCardOf(
  profile: PlayerProfile,
  extra: { locale: Locale; position: number | null; avatar: Buffer | null; name?: string },
): RankCard {
  return {
    locale: extra.locale,
    name: extra.name ?? profile.displayName ?? profile.username ?? '?',
    avatar: extra.avatar,
    rankId: profile.rank.id,
    xp: profile.xp,
    rankMinXp: profile.rank.minXp,
    next: profile.next && { rankId: profile.next.id, minXp: profile.next.minXp },
    position: extra.position,
    platforms: profile.platforms,
  };
}

type Canvas = typeof import('@napi-rs/canvas');
type Context = import('@napi-rs/canvas').SKRSContext2D;

const FONT_FILES: [alias: string, file: string][] = [
  ['TTFD Sans', '@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff'],
  ['TTFD Sans', '@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff'],
  ['TTFD Sans Ext', '@fontsource/noto-sans/files/noto-sans-latin-ext-400-normal.woff'],
  ['TTFD Sans Ext', '@fontsource/noto-sans/files/noto-sans-latin-ext-700-normal.woff'],
  ['TTFD Sans Cyrillic', '@fontsource/noto-sans/files/noto-sans-cyrillic-400-normal.woff'],
  ['TTFD Sans Cyrillic', '@fontsource/noto-sans/files/noto-sans-cyrillic-700-normal.woff'],
  ['TTFD Sans Cyrillic Ext', '@fontsource/noto-sans/files/noto-sans-cyrillic-ext-400-normal.woff'],
  ['TTFD Sans Cyrillic Ext', '@fontsource/noto-sans/files/noto-sans-cyrillic-ext-700-normal.woff'],
  ['TTFD Emoji', '@fontsource/noto-color-emoji/files/noto-color-emoji-emoji-400-normal.woff'],
];
/**
 * Each glyph from the first family that has it: Latin, Cyrillic, then emoji. The card's own
 * words use only characters these fonts have, so no machine font is ever picked.
 */
const FAMILIES = '"TTFD Sans", "TTFD Sans Ext", "TTFD Sans Cyrillic", "TTFD Sans Cyrillic Ext", "TTFD Emoji"';
const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px ${FAMILIES}`;

let loaded: Promise<Canvas> | null = null;

/** Loads the canvas library and registers the card's fonts (once; about half a second, mostly the emoji). */
export function loadRankCardFonts(): Promise<Canvas> {
  loaded ??= import('@napi-rs/canvas').then((canvas) => {
    for (const [alias, file] of FONT_FILES) {
      if (!canvas.GlobalFonts.registerFromPath(require.resolve(file), alias)) {
        throw new Error(`the rank card font ${file} could not be loaded`);
      }
    }
    return canvas;
  });
  return loaded;
}

const COLOURS = {
  background: '#1e2124',
  panel: '#2c2f33',
  text: '#ffffff',
  muted: '#b9bbbe',
  barEmpty: '#484b51',
  bar: '#5865f2',
  barTop: '#f1c40f',
  initials: ['#5865f2', '#57f287', '#eb459e', '#ed4245', '#fee75c', '#3ba55c'],
};

const AVATAR = { x: 40, y: 51, size: 180 };
const TEXT_X = 260;
const RIGHT = RANK_CARD_WIDTH - 40;

/** `text` cut with an ellipsis to fit `width` at the context's font (by whole code points). */
function fitted(ctx: Context, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  const chars = [...text];
  while (chars.length > 1 && ctx.measureText(`${chars.join('')}…`).width > width) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Up to two letters of the name (emoji and symbols skipped), upper case; '?' when none. */
export function initialsOf(name: string): string {
  const words = name.split(/\s+/).map((w) => [...w].find((c) => /\p{L}|\p{N}/u.test(c)));
  const letters = words.filter((c): c is string => c !== undefined).slice(0, 2);
  return letters.length ? letters.join('').toUpperCase() : '?';
}

function roundedRect(ctx: Context, x: number, y: number, w: number, h: number, r: number) {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

async function drawAvatar(canvas: Canvas, ctx: Context, card: RankCard) {
  const { x, y, size } = AVATAR;
  const image = card.avatar ? await canvas.loadImage(card.avatar).catch(() => null) : null;
  ctx.save();
  ctx.beginPath();
  ctx.arc(x + size / 2, y + size / 2, size / 2, 0, Math.PI * 2);
  ctx.closePath();
  ctx.clip();
  if (image) {
    ctx.drawImage(image, x, y, size, size);
  } else {
    const sum = [...card.name].reduce((s, c) => s + c.codePointAt(0)!, 0);
    ctx.fillStyle = COLOURS.initials[sum % COLOURS.initials.length]!;
    ctx.fillRect(x, y, size, size);
    ctx.fillStyle = COLOURS.text;
    ctx.font = font(72, true);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(initialsOf(card.name), x + size / 2, y + size / 2 + 4);
  }
  ctx.restore();
}

const number = (n: number, locale: Locale) => n.toLocaleString(locale === 'ru' ? 'ru-RU' : 'en-US');

/** The card as a PNG of RANK_CARD_WIDTH × RANK_CARD_HEIGHT. */
export async function renderRankCard(card: RankCard): Promise<Buffer> {
  const canvas = await loadRankCardFonts();
  const t = RANK_CARD_TEXTS[card.locale];
  const surface = canvas.createCanvas(RANK_CARD_WIDTH, RANK_CARD_HEIGHT);
  const ctx = surface.getContext('2d');

  ctx.fillStyle = COLOURS.background;
  roundedRect(ctx, 0, 0, RANK_CARD_WIDTH, RANK_CARD_HEIGHT, 24);
  ctx.fill();
  ctx.fillStyle = COLOURS.panel;
  roundedRect(ctx, 16, 16, RANK_CARD_WIDTH - 32, RANK_CARD_HEIGHT - 32, 18);
  ctx.fill();
  await drawAvatar(canvas, ctx, card);

  // Top right: the place on the leaderboard, then the rank, right-aligned on one line.
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'right';
  let right = RIGHT;
  const badge = (label: string, value: string, colour: string) => {
    ctx.font = font(40, true);
    ctx.fillStyle = colour;
    ctx.fillText(value, right, 86);
    right -= ctx.measureText(value).width + 10;
    ctx.font = font(22);
    ctx.fillStyle = COLOURS.muted;
    ctx.fillText(label, right, 86);
    right -= ctx.measureText(label).width + 28;
  };
  if (card.position !== null) badge(t.position, `#${number(card.position, card.locale)}`, COLOURS.text);
  badge(t.rank, rankName(card.rankId, card.locale), card.next ? COLOURS.bar : COLOURS.barTop);

  // The name fills what the badges leave of the first line.
  ctx.textAlign = 'left';
  ctx.font = font(38, true);
  ctx.fillStyle = COLOURS.text;
  ctx.fillText(fitted(ctx, card.name, Math.max(right - TEXT_X, 120)), TEXT_X, 86);

  // XP towards the next rank, and the bar.
  const bar = { x: TEXT_X, y: 168, w: RIGHT - TEXT_X, h: 38 };
  const share = card.next ? (card.xp - card.rankMinXp) / (card.next.minXp - card.rankMinXp) : 1;
  ctx.font = font(24);
  ctx.fillStyle = COLOURS.muted;
  ctx.textAlign = 'right';
  const progress = card.next
    ? `${number(card.xp, card.locale)} / ${number(card.next.minXp, card.locale)} ${t.xp} ${t.toNext(rankName(card.next.rankId, card.locale))}`
    : `${number(card.xp, card.locale)} ${t.xp} · ${t.top}`;
  ctx.fillText(progress, RIGHT, bar.y - 14);
  ctx.fillStyle = COLOURS.barEmpty;
  roundedRect(ctx, bar.x, bar.y, bar.w, bar.h, bar.h / 2);
  ctx.fill();
  const filled = Math.max(0, Math.min(1, share)) * bar.w;
  if (filled > 0) {
    ctx.fillStyle = card.next ? COLOURS.bar : COLOURS.barTop;
    roundedRect(ctx, bar.x, bar.y, Math.max(filled, bar.h), bar.h, bar.h / 2);
    ctx.fill();
  }

  // Linked platforms.
  ctx.textAlign = 'left';
  ctx.font = font(22);
  ctx.fillStyle = COLOURS.muted;
  const platforms = card.platforms.map((p) => platformName(p, card.locale)).join(' · ');
  ctx.fillText(`${t.platforms}: ${platforms || '—'}`, TEXT_X, bar.y + bar.h + 40);

  return surface.encode('png');
}
