/**
 * Fuzzy search in the MySQL store: two-word queries with typos over 1,000,000 messages against the
 * same over 10,000. Messages, vocabulary, deletion variants and postings are bulk-loaded in primary
 * key order into a throwaway database (secondary indexes built afterwards), from a seeded Zipf-like
 * mix of Russian and English words, so the index is exactly what indexMessageText would write.
 */
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import {
  deletionVariants,
  findMessagesByIds,
  maxEdits,
  searchMessageIds,
  stemOf,
  type Db,
  type SearchStep,
} from '@messenger/db'
import { createTestDb } from '@messenger/db/testing'
import { highlight } from '@messenger/shared'
import { fmt, median, quantile, table } from './lib'

const SIZES = [10_000, 1_000_000]
const SAMPLES = 300
const CHATS = 200
/** The searching user is in this many of the chats; the rest belong to others. */
const MEMBER_CHATS = 150
const BASE_MS = Date.UTC(2026, 0, 1)

/** mulberry32: a seeded PRNG, so every run searches the same data with the same queries. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const RU_COMMON =
  'и в не на я что он с как а то это все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между привет спасибо пожалуйста встреча завтра сегодня вечером работа проект сообщение задача отчет документ клиент договор неделя понедельник пятница утром позвони напиши отправь посмотри прочитай обсудить вопрос ответ проблема решение время деньги офис дома город машина поезд самолет билет гостиница обед ужин кофе чай друзья семья ребенок мама папа здоровье погода дождь снег солнце отпуск праздник подарок фотография картинка ссылка файл таблица презентация'.split(
    ' ',
  )
const EN_COMMON =
  'the be to of and a in that have i it for not on with he as you do at this but his by from they we say her she or an will my one all would there their what so up out if about who get which go me when make can like time no just him know take people into year your good some could them see other than then now look only come its over think also back after use two how our work first well way even new want because any these give day most us hello thanks please meeting tomorrow today evening project message task report document client contract week monday friday morning call write send review read discuss question answer problem solution money office home city car train plane ticket hotel lunch dinner coffee tea friends family child mother father health weather rain snow sun vacation holiday gift photo picture link file spreadsheet presentation deadline release deploy server database search feature bug issue update'.split(
    ' ',
  )

/** Made-up words shaped like each language's, for a vocabulary as large as a real chat history's. */
const synthWords = (rand: () => number, n: number, ru: boolean, taken: Set<string>) => {
  const cons = ru ? 'бвгдзклмнпрстфхчшжц' : 'bcdfghjklmnprstvwz'
  const vows = ru ? 'аеиоуыяюэ' : 'aeiouy'
  const ends = ru
    ? [
        '',
        '',
        'ый',
        'ая',
        'ое',
        'ые',
        'ов',
        'ами',
        'ах',
        'ить',
        'ать',
        'ет',
        'ют',
        'ка',
        'ник',
        'ость',
        'ение',
      ]
    : ['', '', 'ing', 'ed', 'er', 'tion', 'ly', 'ness', 's', 'able', 'ment']
  const pick = (s: string) => s[Math.floor(rand() * s.length)]!
  const out: string[] = []
  while (out.length < n) {
    let w = ''
    for (let s = 1 + Math.floor(rand() * 3); s > 0; s--) w += pick(cons) + pick(vows)
    if (rand() < 0.4) w += pick(cons)
    w += ends[Math.floor(rand() * ends.length)]!
    if (w.length >= 3 && !taken.has(w)) {
      taken.add(w)
      out.push(w)
    }
  }
  return out
}

interface Vocabulary {
  ru: string[]
  en: string[]
  /** Cumulative Zipf-Mandelbrot weights over each list's ranks, for sampling. */
  ruCdf: Float64Array
  enCdf: Float64Array
}

const zipfCdf = (n: number) => {
  const cdf = new Float64Array(n)
  let sum = 0
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / (r + 2.7)
  for (let r = 0; r < n; r++) cdf[r] = cdf[r]! / sum
  return cdf
}

export const buildVocabulary = (): Vocabulary => {
  const rand = prng(7)
  const taken = new Set([...RU_COMMON, ...EN_COMMON])
  const ru = [...new Set(RU_COMMON), ...synthWords(rand, 40_000, true, taken)]
  const en = [...new Set(EN_COMMON), ...synthWords(rand, 25_000, false, taken)]
  return { ru, en, ruCdf: zipfCdf(ru.length), enCdf: zipfCdf(en.length) }
}

const sample = (cdf: Float64Array, rand: () => number) => {
  const x = rand()
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cdf[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
const chatHex = (c: number) => `00000000000070008000${hex(c, 12)}`
const messageHex = (i: number) =>
  `${hex(BASE_MS + i, 12)}7000${hex(0x8000 + (i % 0x4000), 4)}${hex(i, 12)}`
const dashed = (h: string) =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
export const USER = '00000000-0000-7000-8000-0000000000aa'
const OTHER = '00000000-0000-7000-8000-0000000000bb'

const run1 = async (db: Db, rawSql: string) => sql.raw(rawSql).execute(db)

/** Loads `size` messages and their index; returns the load time in seconds. */
export const load = async (db: Db, vocab: Vocabulary, size: number) => {
  const t0 = performance.now()
  await run1(db, 'SET SESSION unique_checks = 0, foreign_key_checks = 0')
  const users = [USER, OTHER].map(
    (id, i) =>
      `('${id}','bench${i}','bench${i}@example.com','B','U','${'0'.repeat(64)}','${'0'.repeat(32)}')`,
  )
  await run1(
    db,
    `INSERT INTO users (id, login, email, first_name, last_name, password_hash, password_salt) VALUES ${users.join(',')}`,
  )
  const chats = Array.from({ length: CHATS }, (_, c) => `('${dashed(chatHex(c))}','chat ${c}',2)`)
  await run1(db, `INSERT INTO chats (id, title, member_count) VALUES ${chats.join(',')}`)
  const members = Array.from(
    { length: CHATS },
    (_, c) => `('${dashed(chatHex(c))}','${c < MEMBER_CHATS ? USER : OTHER}')`,
  )
  await run1(db, `INSERT INTO chat_members (chat_id, user_id) VALUES ${members.join(',')}`)

  // Bulk load in primary key order with secondary indexes dropped, then build them sorted.
  await run1(db, 'ALTER TABLE messages DROP INDEX messages_client, DROP INDEX messages_chat')
  await run1(
    db,
    'ALTER TABLE search_postings DROP INDEX search_postings_term_message, DROP INDEX search_postings_message',
  )

  const words = [...vocab.ru, ...vocab.en]
  const termId = new Map(words.map((w, i) => [w, i + 1]))
  const used = new Uint8Array(words.length + 1)
  const rand = prng(size)
  const postings: number[] = []
  const batch: string[] = []
  const flushMessages = async () => {
    if (batch.length === 0) return
    await run1(
      db,
      `INSERT INTO messages (id, chat_id, sender_id, client_id, text, created_at) VALUES ${batch.join(',')}`,
    )
    batch.length = 0
  }
  await run1(db, 'START TRANSACTION')
  for (let i = 0; i < size; i++) {
    const ru = rand() < 0.7
    const list = ru ? vocab.ru : vocab.en
    const cdf = ru ? vocab.ruCdf : vocab.enCdf
    const n = 2 + Math.floor(rand() * rand() * 18)
    const msgWords: string[] = []
    for (let k = 0; k < n; k++) msgWords.push(list[sample(cdf, rand)]!)
    if (msgWords[0] !== undefined)
      msgWords[0] = msgWords[0][0]!.toUpperCase() + msgWords[0].slice(1)
    const text = `${msgWords.join(' ')}${rand() < 0.3 ? '?' : '.'}`
    const chat = Math.floor(rand() * CHATS)
    const id = dashed(messageHex(i))
    const created = new Date(BASE_MS + i).toISOString().slice(0, 23).replace('T', ' ')
    batch.push(`('${id}','${dashed(chatHex(chat))}','${USER}','${id}','${text}','${created}')`)
    for (const w of new Set(msgWords.map((x) => x.toLowerCase().replaceAll('ё', 'е')))) {
      const t = termId.get(w)!
      used[t] = 1
      // (term, chat, message) packed into one double, which sorts in primary key order.
      postings.push(t * 2 ** 29 + chat * 2 ** 21 + i)
    }
    if (batch.length === 5000) await flushMessages()
  }
  await flushMessages()
  await run1(db, 'COMMIT')

  // The vocabulary holds only words that occur, as indexMessageText would have left it.
  const rows: string[] = []
  const variants: [string, number][] = []
  for (let t = 1; t <= words.length; t++) {
    if (used[t] === 0) continue
    rows.push(`(${t},'${words[t - 1]!}','${stemOf(words[t - 1]!)}')`)
    for (const v of deletionVariants(words[t - 1]!)) variants.push([v, t])
  }
  for (let i = 0; i < rows.length; i += 10_000) {
    await run1(
      db,
      `INSERT INTO search_terms (id, term, stem) VALUES ${rows.slice(i, i + 10_000).join(',')}`,
    )
  }
  // utf8mb4_bin orders by code point; these words are all in the BMP, where JS order agrees.
  variants.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]))
  await run1(db, 'START TRANSACTION')
  for (let i = 0; i < variants.length; i += 10_000) {
    const chunk = variants.slice(i, i + 10_000).map(([v, t]) => `('${v}',${t})`)
    await run1(
      db,
      `INSERT IGNORE INTO search_term_variants (variant, term_id) VALUES ${chunk.join(',')}`,
    )
  }
  await run1(db, 'COMMIT')

  const keys = Float64Array.from(postings).sort()
  postings.length = 0
  await run1(db, 'START TRANSACTION')
  for (let i = 0; i < keys.length; i += 10_000) {
    const chunk: string[] = []
    for (const k of keys.subarray(i, i + 10_000)) {
      const t = Math.floor(k / 2 ** 29)
      const chat = Math.floor(k / 2 ** 21) % 2 ** 8
      const msg = k % 2 ** 21
      chunk.push(`(${t},x'${chatHex(chat)}',x'${messageHex(msg)}')`)
    }
    await run1(
      db,
      `INSERT INTO search_postings (term_id, chat_id, message_id) VALUES ${chunk.join(',')}`,
    )
    if (i % 1_000_000 === 0) {
      await run1(db, 'COMMIT')
      await run1(db, 'START TRANSACTION')
    }
  }
  await run1(db, 'COMMIT')
  await run1(
    db,
    'ALTER TABLE messages ADD UNIQUE KEY messages_client (sender_id, client_id), ADD KEY messages_chat (chat_id, id)',
  )
  await run1(
    db,
    'ALTER TABLE search_postings ADD KEY search_postings_term_message (term_id, message_id), ADD KEY search_postings_message (message_id, term_id)',
  )
  await run1(db, 'ANALYZE TABLE messages, search_terms, search_term_variants, search_postings')
  return {
    seconds: (performance.now() - t0) / 1000,
    postings: keys.length,
    terms: rows.length,
    variants: variants.length,
  }
}

/** A typo at a random position after the first letter: delete, substitute, insert or swap. */
const typo = (word: string, rand: () => number, ru: boolean) => {
  const cps = Array.from(word)
  const letters = ru ? 'абвгдеийклмнопрстуя' : 'abcdeghiklmnoprstu'
  const letter = () => letters[Math.floor(rand() * letters.length)]!
  const i = 1 + Math.floor(rand() * (cps.length - 1))
  const op = Math.floor(rand() * 4)
  if (op === 0 && cps.length > 3) cps.splice(i, 1)
  else if (op === 1) cps[i] = letter()
  else if (op === 2) cps.splice(i, 0, letter())
  else if (i + 1 < cps.length) [cps[i], cps[i + 1]] = [cps[i + 1]!, cps[i]!]
  else cps[i] = letter()
  return cps.join('')
}

/** Two words of one language, Zipf-sampled among words of 4+ letters, each with its allowed typos. */
export const queries = (vocab: Vocabulary, n: number) => {
  const rand = prng(99)
  return Array.from({ length: n }, () => {
    const ru = rand() < 0.7
    const list = ru ? vocab.ru : vocab.en
    const cdf = ru ? vocab.ruCdf : vocab.enCdf
    const pair: string[] = []
    while (pair.length < 2) {
      const w = list[sample(cdf, rand)]!
      if (w.length < 4) continue
      let q = w
      for (let e = rand() < 0.5 ? maxEdits(w.length) : 1; e > 0; e--) q = typo(q, rand, ru)
      pair.push(q)
    }
    return pair.join(' ')
  })
}

const measure = async (db: Db, qs: string[]) => {
  const idsMs: number[] = []
  const fullMs: number[] = []
  let withHits = 0
  let hits = 0
  const results: string[] = []
  const steps = new Map<SearchStep, number[]>()
  for (const [i, query] of qs.entries()) {
    const t0 = performance.now()
    const found = await searchMessageIds(db, { userId: USER, query, limit: 20 }, (step, ms) => {
      if (i >= 10) steps.set(step, [...(steps.get(step) ?? []), ms])
    })
    const t1 = performance.now()
    // What the MySQL store does next: the messages themselves and their highlight snippets.
    const rows = await findMessagesByIds(
      db,
      found.map((h) => h.messageId),
    )
    const text = new Map(rows.map((r) => [r.id, r.text]))
    for (const h of found) highlight(text.get(h.messageId) ?? '', h.terms)
    const t2 = performance.now()
    if (i < 10) continue // warm-up
    results.push(found.map((h) => h.messageId).join())
    idsMs.push(t1 - t0)
    fullMs.push(t2 - t0)
    if (found.length > 0) withHits++
    hits += found.length
  }
  return { idsMs, fullMs, withHits, hits, n: idsMs.length, steps, results }
}

export async function run() {
  const vocab = buildVocabulary()
  const qs = queries(vocab, SAMPLES + 10)
  const rows: (string | number)[][] = []
  const p50: number[] = []
  const p95: number[] = []
  const loads: string[] = []
  const stepRows: string[][] = []
  for (const size of SIZES) {
    const t = await createTestDb()
    try {
      const l = await load(t.db, vocab, size)
      loads.push(
        `${size.toLocaleString('en')} messages: ${l.terms.toLocaleString('en')} terms, ` +
          `${l.variants.toLocaleString('en')} deletion variants, ${l.postings.toLocaleString('en')} postings, loaded in ${fmt(l.seconds, 0)} s`,
      )
      console.log(loads.at(-1))
      const r = await measure(t.db, qs)
      // The same queries with no ceiling on the multi-word walk: how often the ceiling mattered.
      let same = 0
      for (const [i, query] of qs.slice(10).entries()) {
        const exact = await searchMessageIds(t.db, {
          userId: USER,
          query,
          limit: 20,
          maxRowsExamined: 1e9,
        })
        if (exact.map((h) => h.messageId).join() === r.results[i]) same++
      }
      stepRows.push([
        size.toLocaleString('en'),
        ...[...r.steps].map(
          ([step, ms]) => `${step} ${fmt(median(ms), 1)} / ${fmt(quantile(ms, 0.95), 1)}`,
        ),
      ])
      p50.push(median(r.idsMs))
      p95.push(quantile(r.idsMs, 0.95))
      rows.push([
        size.toLocaleString('en'),
        fmt(median(r.idsMs)),
        fmt(quantile(r.idsMs, 0.95)),
        fmt(quantile(r.idsMs, 0.99)),
        fmt(median(r.fullMs)),
        fmt(quantile(r.fullMs, 0.95)),
        `${Math.round((100 * r.withHits) / r.n)}%`,
        fmt(r.hits / r.n, 1),
        `${Math.round((100 * same) / r.n)}%`,
      ])
    } finally {
      await t.drop()
    }
  }
  return [
    `${SAMPLES} two-word queries with typos (one edit in words of 4-5 letters, one or two in longer ones; ` +
      `Zipf-sampled, 70% Russian), limit 20, one user in ${MEMBER_CHATS} of ${CHATS} chats, ` +
      `MariaDB with its default 128 MiB buffer pool. "ids" is searchMessageIds; "+ rows" adds loading ` +
      'the messages and their highlight snippets, as the MySQL store does. The last column compares ' +
      'each result with the same query run without the ceiling on rows examined.',
    '',
    ...loads.map((l) => `- ${l}`),
    '',
    table(
      [
        'messages',
        'ids p50 ms',
        'ids p95 ms',
        'ids p99 ms',
        '+ rows p50 ms',
        '+ rows p95 ms',
        'queries with hits',
        'hits/query',
        'same top 20 as uncapped',
      ],
      rows,
    ),
    '',
    'Where searchMessageIds spends its time, per step (p50 / p95 ms; counts and intersect run for',
    'queries whose words all matched something):',
    '',
    table(
      ['messages', 'steps'],
      stepRows.map(([size, ...steps]) => [size!, steps.join(', ')]),
    ),
    '',
    `**p95 at 1,000,000 messages = ${fmt(p95[1]!)} ms** (target ≤ 100); ` +
      `p50 ratio 1,000,000 ÷ 10,000 = ${fmt(p50[1]! / p50[0]!)}, p95 ratio = ${fmt(p95[1]! / p95[0]!)}.`,
  ].join('\n')
}
