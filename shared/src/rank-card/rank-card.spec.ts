import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { initialsOf, RANK_CARD_HEIGHT, RANK_CARD_WIDTH, renderRankCard, type RankCard } from './rank-card';

/*
 * The reference card of a fixed player. After a deliberate change to the card's look,
 * regenerate it and look at it before committing:
 *   UPDATE_RANK_CARD_REFERENCE=1 npx jest shared/src/rank-card --maxWorkers=1
 */
const REFERENCE = path.join(__dirname, '../../test/fixtures/rank-card-reference.png');
/** A pixel differs when a channel is off by more than this (anti-aliasing may move a little). */
const CHANNEL_TOLERANCE = 24;
/** The share of pixels that may differ. */
const PIXEL_TOLERANCE = 0.005;

/** A 128 px avatar: a diagonal gradient with a white square, so a mis-drawn avatar shows. */
async function avatarPng(): Promise<Buffer> {
  const canvas = createCanvas(128, 128);
  const ctx = canvas.getContext('2d');
  const gradient = ctx.createLinearGradient(0, 0, 128, 128);
  gradient.addColorStop(0, '#e67e22');
  gradient.addColorStop(1, '#8e44ad');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, 128, 128);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(44, 44, 40, 40);
  return canvas.encode('png');
}

const fixedPlayer = async (): Promise<RankCard> => ({
  locale: 'ru',
  name: 'Алёна 🎮',
  avatar: await avatarPng(),
  rankId: 4,
  xp: 1234,
  rankMinXp: 700,
  next: { rankId: 5, minXp: 1500 },
  position: 42,
  platforms: ['telegram', 'discord', 'website'],
});

async function pixels(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: ctx.getImageData(0, 0, image.width, image.height).data };
}

function differingShare(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let differing = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a[i + c]! - b[i + c]!) > CHANNEL_TOLERANCE) {
        differing++;
        break;
      }
    }
  }
  return differing / (a.length / 4);
}

describe('the rank card', () => {
  it('is a PNG of the card’s size that matches the reference for a fixed player', async () => {
    const png = await renderRankCard(await fixedPlayer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const card = await pixels(png);
    expect([card.width, card.height]).toEqual([RANK_CARD_WIDTH, RANK_CARD_HEIGHT]);
    if (process.env.UPDATE_RANK_CARD_REFERENCE === '1') fs.writeFileSync(REFERENCE, png);
    const reference = await pixels(fs.readFileSync(REFERENCE));
    expect([reference.width, reference.height]).toEqual([RANK_CARD_WIDTH, RANK_CARD_HEIGHT]);
    expect(differingShare(card.data, reference.data)).toBeLessThanOrEqual(PIXEL_TOLERANCE);
  });

  it('differs from the reference when the player differs (the comparison can fail)', async () => {
    const other = await renderRankCard({ ...(await fixedPlayer()), xp: 800, locale: 'en', name: 'Alice' });
    const reference = await pixels(fs.readFileSync(REFERENCE));
    expect(differingShare((await pixels(other)).data, reference.data)).toBeGreaterThan(PIXEL_TOLERANCE);
  });

  it('draws initials when there is no avatar or it is not an image, and fits a long name', async () => {
    for (const avatar of [null, Buffer.from('not an image')]) {
      const png = await renderRankCard({ ...(await fixedPlayer()), avatar, name: 'Игрок '.repeat(20) });
      const card = await pixels(png);
      expect([card.width, card.height]).toEqual([RANK_CARD_WIDTH, RANK_CARD_HEIGHT]);
    }
  });

  it('takes initials from letters, skipping emoji', () => {
    expect([initialsOf('алёна 🎮 тест'), initialsOf('🎮 Bob'), initialsOf('🎮🔥'), initialsOf('x')]).toEqual([
      'АТ',
      'B',
      '?',
      'X',
    ]);
  });
});
