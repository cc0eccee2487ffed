/**
 * `make bench BENCH=rank-card`: render time of the rank card (`renderRankCard` from
 * @ttfd/shared: avatar, name with emoji, rank, XP bar, place, platforms, PNG-encoded) for
 * CARDS (400) players of varied names, languages and avatars, against a bare card of the
 * same size from the same library (one fill, one line of text, the same PNG encoding): the
 * floor any drawn card pays. Fonts are loaded first and reported apart (`fonts_ms`).
 * Prints one JSON line: p50/p99 of both, `ratio` (ours p50 / bare p50) and whether
 * ours meets the p99 target of 50 ms.
 */
import { createCanvas } from '@napi-rs/canvas';
import { loadRankCardFonts, renderRankCard, RANK_CARD_HEIGHT, RANK_CARD_WIDTH, type RankCard } from '@ttfd/shared';
import { summarize } from './lib/percentiles';

const CARDS = Number(process.env.CARDS ?? 400);
const TARGET_P99_MS = 50;
const log = (line: string) => process.stderr.write(`${line}\n`);

const NAMES = ['Алёна 🎮', 'Bob', 'Игрок с длинным именем из сервера 🔥🔥', 'Zoë Ærø', 'Ковальски', 'xX_sniper_Xx 🎯'];

async function avatar(): Promise<Buffer> {
  const canvas = createCanvas(256, 256);
  const ctx = canvas.getContext('2d');
  const gradient = ctx.createLinearGradient(0, 0, 256, 256);
  gradient.addColorStop(0, '#e67e22');
  gradient.addColorStop(1, '#8e44ad');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, 256, 256);
  return canvas.encode('png');
}

function cardOf(i: number, picture: Buffer): RankCard {
  const rankId = 1 + (i % 10);
  return {
    locale: i % 2 === 0 ? 'ru' : 'en',
    name: `${NAMES[i % NAMES.length]}`,
    avatar: i % 3 === 0 ? null : picture,
    rankId,
    xp: 100 * rankId + (i % 97),
    rankMinXp: 100 * rankId,
    next: rankId === 10 ? null : { rankId: rankId + 1, minXp: 100 * (rankId + 1) },
    position: 1 + ((i * 7919) % 100_000),
    platforms: i % 4 === 0 ? ['discord'] : ['telegram', 'discord', 'website'],
  };
}

async function bare(i: number): Promise<Buffer> {
  const canvas = createCanvas(RANK_CARD_WIDTH, RANK_CARD_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#2c2f33';
  ctx.fillRect(0, 0, RANK_CARD_WIDTH, RANK_CARD_HEIGHT);
  ctx.fillStyle = '#ffffff';
  ctx.font = '38px "TTFD Sans"';
  ctx.fillText(`Player ${i}`, 260, 86);
  return canvas.encode('png');
}

async function timed(n: number, render: (i: number) => Promise<Buffer>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await render(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main() {
  const loading = performance.now();
  await loadRankCardFonts();
  const fontsMs = performance.now() - loading;
  log(`fonts loaded in ${fontsMs.toFixed(0)} ms`);
  const picture = await avatar();
  // Warm both paths (first glyphs of each font, the encoder), then alternate in rounds.
  await timed(10, (i) => renderRankCard(cardOf(i, picture)));
  await timed(10, bare);
  const ours: number[] = [];
  const peer: number[] = [];
  const round = 50;
  for (let done = 0; done < CARDS; done += round) {
    const n = Math.min(round, CARDS - done);
    ours.push(...(await timed(n, (i) => renderRankCard(cardOf(done + i, picture)))));
    peer.push(...(await timed(n, (i) => bare(done + i))));
  }
  const o = summarize(ours);
  const b = summarize(peer);
  log(`ours p50 ${o.p50_ms} ms, p99 ${o.p99_ms} ms; bare p50 ${b.p50_ms} ms, p99 ${b.p99_ms} ms`);
  const line = {
    bench: 'rank-card',
    cards: CARDS,
    width: RANK_CARD_WIDTH,
    height: RANK_CARD_HEIGHT,
    fonts_ms: Math.round(fontsMs),
    ours_p50_ms: o.p50_ms,
    ours_p99_ms: o.p99_ms,
    bare_p50_ms: b.p50_ms,
    bare_p99_ms: b.p99_ms,
    ratio: o.p50_ms && b.p50_ms ? Math.round((o.p50_ms / b.p50_ms) * 100) / 100 : null,
    p99_within_target: o.p99_ms !== null && o.p99_ms <= TARGET_P99_MS,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
