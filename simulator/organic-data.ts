// Organic data of the simulated account: boards, pins (with owned / repinned / refusing / new ones),
// followers, interests and the user profile.
import type { GenerationContext } from './dataset-common';
import { FANCY, isoSeconds, pad, TOPICS } from './dataset-common';
import type { Json, PinMeta } from './types';
import { dayToEpochSeconds, hash, unit } from './rng';

const INTEREST_NAMES = [
  'Home decor',
  'Food and drinks',
  'Women’s fashion',
  'DIY and crafts',
  'Travel',
  'Beauty',
  'Art',
  'Gardening',
  'Décoration d’intérieur',
  'レシピ',
  'Architektur',
  'Fotografía',
  'Quotes',
  'Weddings',
  'Tattoos',
  'Animals',
  'Health',
  'Education',
  'Sport',
  'Men’s fashion',
  'Design',
  'Event planning',
  'Parenting',
  'Vehicles',
  'Technology',
];

type BoardEntry = { item: Json; privacy: string };

/** Boards, a couple of them PROTECTED or SECRET. */
export function generateBoards(g: GenerationContext): { boards: BoardEntry[]; boardIds: string[] } {
  const { r, k, off, nowSec, username } = g;
  const boards: BoardEntry[] = [];
  const boardIds: string[] = [];
  for (let i = 0; i < k.boards; i++) {
    const id = `${1_000_000}${pad(off, 5)}${pad(i, 6)}`;
    // a couple of protected and secret boards
    const privacy = i % 7 === 5 ? 'SECRET' : i % 11 === 9 ? 'PROTECTED' : 'PUBLIC';
    const created = nowSec - 86400 * (30 + Math.floor(r.next() * 2000));
    boardIds.push(id);
    boards.push({
      privacy,
      item: {
        id,
        created_at: isoSeconds(created),
        board_pins_modified_at: isoSeconds(created + 86400 * Math.floor(r.next() * 25)),
        name:
          i % 5 === 2
            ? `${TOPICS[i % TOPICS.length]} ${FANCY[i % FANCY.length]}`
            : `${TOPICS[i % TOPICS.length]} ideas ${i + 1}`,
        description:
          i % 4 === 0 ? null : `Board ${i + 1}: ${TOPICS[(i + 3) % TOPICS.length].toLowerCase()} inspiration`,
        collaborator_count: i % 6 === 0 ? 2 : 0,
        pin_count: 0,
        follower_count: Math.floor(r.next() * 5000),
        media: {
          image_cover_url: i % 9 === 8 ? null : `https://i.pinimg.com/400x300/${pad(i, 2)}/cover.jpg`,
          pin_thumbnail_urls: [
            `https://i.pinimg.com/150x150/${pad(i, 2)}/a.jpg`,
            `https://i.pinimg.com/150x150/${pad(i, 2)}/b.jpg`,
          ],
        },
        owner: { username },
        privacy,
        is_ads_only: i % 13 === 12,
      },
    });
  }
  return { boards, boardIds };
}

/** Pins spread over the boards; each board's pin_count follows. */
export function generatePins(
  g: GenerationContext,
  boards: BoardEntry[],
  boardIds: string[],
): { pins: PinMeta[]; pinById: Map<string, PinMeta> } {
  const { seed, k, off, todayDay, username } = g;
  const pins: PinMeta[] = [];
  const pinById = new Map<string, PinMeta>();
  const nPins = k.ownedPins + k.repins;
  // owned pins spread evenly through the list
  const ownedFlags = new Array<boolean>(nPins).fill(false);
  for (let j = 0; j < k.ownedPins; j++) ownedFlags[Math.floor((j * nPins) / Math.max(1, k.ownedPins))] = true;
  for (let i = 0; i < nPins; i++) {
    const key = 300_000_000 + i;
    const id = `${1125}${pad(off, 5)}${pad(i * 37 + 11, 9)}`;
    pins.push({
      id,
      key,
      owned: ownedFlags[i],
      video: false,
      protectedBoard: false,
      secretBoard: false,
      createdDay: 0,
      refuse: 0,
      item: {},
    });
  }
  const boardCount = new Array<number>(boardIds.length).fill(0);
  let refusals = 0;
  let ownedSeen = 0;
  let newPins = 0;
  for (const p of pins) {
    const bi = boardIds.length ? Math.floor(unit(seed, p.key, 21) * boardIds.length) : -1;
    const board = bi >= 0 ? boards[bi] : undefined;
    if (bi >= 0) boardCount[bi]++;
    p.protectedBoard = board?.privacy === 'PROTECTED';
    p.secretBoard = board?.privacy === 'SECRET';
    p.video = unit(seed, p.key, 22) < 0.2;
    // deterministic share of recently created owned pins (counted like the refusals below)
    let isNew = false;
    if (p.owned) {
      const wantNew = Math.floor((ownedSeen + 1) * k.newPinRate + 0.3);
      if (wantNew > newPins) {
        newPins++;
        isNew = true;
      }
    }
    p.createdDay = isNew
      ? todayDay - 1 - Math.floor(unit(seed, p.key, 24) * 60)
      : todayDay - 200 - Math.floor(unit(seed, p.key, 25) * 1500);
    if (p.owned) {
      ownedSeen++;
      // deterministic refusals: roughly refusingPinRate of the owned pins, alternating 404 / 403
      const want = Math.floor(ownedSeen * k.refusingPinRate + 0.5);
      if (want > refusals) {
        refusals++;
        p.refuse = refusals % 2 === 1 ? 404 : 403;
      }
    }
    const created = dayToEpochSeconds(p.createdDay) + Math.floor(unit(seed, p.key, 26) * 86400);
    const topic = TOPICS[hash(seed, p.key, 27) % TOPICS.length];
    const img = (size: string, w: number, h: number) => ({
      width: w,
      height: h,
      url: `https://i.pinimg.com/${size}/${p.id.slice(-6)}.jpg`,
    });
    const images = {
      '150x150': img('150x150', 150, 150),
      '400x300': img('400x300', 400, 300),
      '600x': img('600x', 600, 900),
      '1200x': img('1200x', 1200, 1800),
    };
    const media: Json = p.video
      ? {
          media_type: 'video',
          images,
          cover_image_url: `https://i.pinimg.com/videos/thumbnails/${p.id.slice(-6)}.jpg`,
          video_url: null,
          duration: 5000 + (hash(seed, p.key, 28) % 55000),
          height: 1920,
          width: 1080,
        }
      : { media_type: 'image', images };
    const item: Json = {
      id: p.id,
      created_at: isoSeconds(created),
      link: unit(seed, p.key, 29) < 0.2 ? null : `https://shop.example.com/p/${p.key}?utm_source=pinterest&x=é`,
      title: unit(seed, p.key, 30) < 0.1 ? null : `${topic} ${p.owned ? 'idea' : 'saved'} #${p.key - 300_000_000}`,
      description:
        unit(seed, p.key, 31) < 0.15
          ? ''
          : `${topic} — ${FANCY[hash(seed, p.key, 32) % FANCY.length]} line one\nline two`,
      dominant_color: `#${(hash(seed, p.key, 33) & 0xffffff).toString(16).padStart(6, '0')}`,
      alt_text: unit(seed, p.key, 34) < 0.5 ? null : `Photo of ${topic.toLowerCase()}`,
      creative_type: p.video ? 'VIDEO' : 'REGULAR',
      board_id: board ? board.item.id : undefined,
      board_section_id: null,
      board_owner: { username },
      is_owner: p.owned,
      is_standard: !p.video,
      has_been_promoted: false,
      media,
      parent_pin_id: p.owned ? null : `${99_000}${pad(hash(seed, p.key, 35) % 1_000_000_000, 13)}`,
    };
    if (!board) delete item.board_id;
    p.item = item;
    pinById.set(p.id, p);
  }
  boards.forEach((b, i) => (b.item.pin_count = boardCount[i]));
  return { pins, pinById };
}

export function generateFollowers(g: GenerationContext): Json[] {
  const { k, off } = g;
  const followers: Json[] = [];
  for (let i = 0; i < k.followers; i++) {
    followers.push({ type: 'user', username: `follower_${pad(off, 5)}_${pad(i, 6)}${i % 50 === 7 ? '_x' : ''}` });
  }
  return followers;
}

export function generateInterests(g: GenerationContext): Json[] {
  const { k, off } = g;
  const interests: Json[] = [];
  for (let i = 0; i < k.interests; i++) {
    const base = INTEREST_NAMES[i % INTEREST_NAMES.length];
    const name = i < INTEREST_NAMES.length ? base : `${base} ${Math.floor(i / INTEREST_NAMES.length) + 1}`;
    const slug =
      name
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || `interest-${i}`;
    const id = String(935_000_000_000 + i * 1_117 + (off % 1000));
    interests.push({ id, key: slug, name, canonical_url: `https://www.pinterest.com/ideas/${slug}/${id}/` });
  }
  return interests;
}

export function userProfile(g: GenerationContext, nPins: number): Json & { id: string; username: string } {
  const { k, off, userId, username } = g;
  return {
    account_type: 'BUSINESS',
    id: userId,
    username,
    profile_image: `https://i.pinimg.com/600x600_R/${pad(off, 5)}/profile.jpg`,
    website_url: 'https://shop.example.com',
    about: 'Simulated business account — données de test',
    business_name: `Sim Shop ${off}`,
    board_count: k.boards,
    pin_count: nPins,
    follower_count: k.followers,
    following_count: 42,
    monthly_views: 123_456,
  };
}
