/**
 * Search quality as people really type: does the message a query was made from come back in the
 * top 3? Messages are real Russian and English text we did not write (Debian's fortune cookies);
 * queries are 2-3 words of one message, mangled the way people mangle them: typed with the other
 * keyboard layout on, the last word unfinished, one word in another form (a real word by the
 * hunspell dictionary, made by changing its ending, independently of the search's stemmer), or two
 * typos in a long word. One typo in a word is the reference class.
 *
 * Needs the Debian packages fortunes, fortunes-ru, hunspell, hunspell-ru and hunspell-en-us; run as
 * root, it installs them when missing.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import {
  createElasticsearchIndex,
  dropElasticsearchIndex,
} from '@messenger/api/elasticsearch-index'
import { ensureTerms, fuzzyDistance, searchMessageIds, switchLayout, type Db } from '@messenger/db'
import { createTestDb } from '@messenger/db/testing'
import { MAX_TEXT_LENGTH, terms, termOf, words } from '@messenger/shared'
import { fmt, median, quantile, table } from './lib'

const FORTUNES = '/usr/share/games/fortunes'
const PACKAGES = ['fortunes', 'fortunes-ru', 'hunspell', 'hunspell-ru', 'hunspell-en-us']
/** Queries per class and language. */
const PER_LANGUAGE = 60
const TOP = 3
const USER = '00000000-0000-7000-8000-0000000000aa'
const CHATS = 20
const BASE_MS = Date.UTC(2026, 0, 1)

export const ensurePackages = () => {
  const have = (f: string) => existsSync(f)
  const ready =
    have(join(FORTUNES, 'fortunes')) &&
    have(join(FORTUNES, 'ru')) &&
    have('/usr/share/hunspell/ru_RU.dic') &&
    have('/usr/share/hunspell/en_US.dic') &&
    (() => {
      try {
        execFileSync('hunspell', ['-v'], { stdio: 'ignore' })
        return true
      } catch {
        return false
      }
    })()
  if (ready) return
  if (process.getuid?.() !== 0) {
    throw new Error(
      `search-quality needs the Debian packages: apt-get install ${PACKAGES.join(' ')}`,
    )
  }
  console.log(`installing ${PACKAGES.join(' ')}`)
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}

/** mulberry32, so every run makes the same queries. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

type Lang = 'ru' | 'en'
interface Message {
  text: string
  lang: Lang
}

/** Every cookie of a fortune file (separated by lines of "%"), whitespace collapsed. */
const cookies = (file: string) =>
  readFileSync(file, 'utf8')
    .split(/^%$/m)
    .map((c) => c.replace(/\s+/g, ' ').trim())
    .filter((c) => c.length > 0 && c.length <= MAX_TEXT_LENGTH)

export const corpus = (): { text: string; lang: Lang }[] => {
  const files = (dir: string) =>
    readdirSync(dir)
      .filter((f) => !/\.(dat|u8)$/.test(f) && !/art/.test(f))
      .map((f) => join(dir, f))
      .filter((f) => statSync(f).isFile())
  return [
    ...files(join(FORTUNES, 'ru')).flatMap((f) =>
      cookies(f).map((text) => ({ text, lang: 'ru' as const })),
    ),
    ...files(FORTUNES).flatMap((f) => cookies(f).map((text) => ({ text, lang: 'en' as const }))),
  ]
}

/** The words of `candidates` that the language's hunspell dictionary knows. */
const realWords = (lang: Lang, candidates: readonly string[]) => {
  if (candidates.length === 0) return new Set<string>()
  const out = execFileSync('hunspell', ['-d', lang === 'ru' ? 'ru_RU' : 'en_US', '-G'], {
    input: candidates.join('\n'),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  return new Set(out.split('\n').filter((w) => w.length > 0))
}

const ENDINGS: Record<Lang, string[]> = {
  ru: [
    ...['а', 'я', 'ы', 'и', 'е', 'у', 'ю', 'ой', 'ей', 'ом', 'ем', 'ам', 'ям', 'ами', 'ями', 'ах'],
    ...['ях', 'ов', 'ев', 'ого', 'его', 'ому', 'ему', 'ый', 'ий', 'ая', 'яя', 'ое', 'ее', 'ые'],
    ...['ие', 'ых', 'их', 'ым', 'им', 'ыми', 'ими', 'ую', 'юю', 'ть', 'ет', 'ют', 'ит', 'ят'],
    ...['ешь', 'ишь', 'ем', 'им', 'ете', 'ите', 'ут', 'ат', 'ла', 'ло', 'ли', 'л', 'ние', 'ния'],
    ...['нию', 'нием', 'нии', 'ость', 'ости', 'остью', ''],
  ],
  en: [
    ...['s', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'est', 'ly', 'ion', 'ions', 'ation', 'ations'],
    ...['ment', 'ments', 'ness', 'ity', 'ies', 'y', 'e', 'al', 'ally', 'ful', 'ize', 'izes'],
    ...['izing', 'ized', 'ism', 'ist', 'ists', ''],
  ],
}

/** Other endings on the same stem that the dictionary confirms as words. */
const otherForms = (lang: Lang, word: string, known: Set<string>) => {
  const out = new Set<string>()
  for (const e of ENDINGS[lang]) {
    if (!word.endsWith(e)) continue
    const stem = word.slice(0, word.length - e.length)
    if (stem.length < 3) continue
    for (const e2 of ENDINGS[lang]) {
      const form = stem + e2
      if (form !== word && known.has(form)) out.add(form)
    }
  }
  return [...out]
}

const candidateForms = (lang: Lang, word: string) => {
  const out: string[] = []
  for (const e of ENDINGS[lang]) {
    if (!word.endsWith(e)) continue
    const stem = word.slice(0, word.length - e.length)
    if (stem.length >= 3) for (const e2 of ENDINGS[lang]) out.push(stem + e2)
  }
  return out
}

/** A typo at a random position after the first letter: delete, substitute, insert or swap. */
const typo = (word: string, rand: () => number, lang: Lang) => {
  const cps = Array.from(word)
  const letters = lang === 'ru' ? 'абвгдеийклмнопрстуя' : 'abcdeghiklmnoprstu'
  const letter = () => letters[Math.floor(rand() * letters.length)]!
  const i = 1 + Math.floor(rand() * (cps.length - 1))
  const op = Math.floor(rand() * 4)
  if (op === 0) cps.splice(i, 1)
  else if (op === 1) cps[i] = letter()
  else if (op === 2) cps.splice(i, 0, letter())
  else if (i + 1 < cps.length) [cps[i], cps[i + 1]] = [cps[i + 1]!, cps[i]!]
  else cps[i] = letter()
  return cps.join('')
}

type Kind =
  | 'one typo (reference)'
  | 'wrong layout'
  | 'unfinished last word'
  | 'another word form'
  | 'two typos in a long word'
const KINDS: Kind[] = [
  'one typo (reference)',
  'wrong layout',
  'unfinished last word',
  'another word form',
  'two typos in a long word',
]

interface Query {
  kind: Kind
  lang: Lang
  query: string
  target: number
}

const LETTERS: Record<Lang, RegExp> = { ru: /^[а-яё]+$/, en: /^[a-z]+$/ }

/** Words a person might search a message by: 4+ letters of the message's language, in order. */
const wordsOf = (text: string, lang: Lang) =>
  [...new Set([...words(text)].map((w) => termOf(w.word)))].filter(
    (w) => w.length >= 4 && LETTERS[lang].test(w),
  )

/**
 * For each class and language, PER_LANGUAGE queries from random messages: 2-3 of a message's
 * words, in order, one of them (or the whole query, for the layout) mangled. Only queries that find
 * their message in the top 3 when typed right are kept: the benchmark measures what the mangling
 * costs, not how distinctive a few random words are (how many were set aside is reported).
 */
export const makeQueries = async (
  messages: { text: string; lang: Lang }[],
  findsTarget: (query: string, target: number) => Promise<boolean>,
) => {
  const rand = prng(12)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  const out: Query[] = []
  let vague = 0
  for (const kind of KINDS) {
    for (const lang of ['ru', 'en'] as const) {
      const pool = messages.map((m, i) => ({ ...m, i })).filter((m) => m.lang === lang)
      let made = 0
      for (let tries = 0; made < PER_LANGUAGE && tries < 100_000; tries++) {
        const m = pick(pool)
        const ws = wordsOf(m.text, lang)
        const n = 2 + Math.floor(rand() * 2)
        if (ws.length < n) continue
        const chosen = new Set<number>()
        while (chosen.size < n) chosen.add(Math.floor(rand() * ws.length))
        const q = [...chosen].sort((x, y) => x - y).map((i) => ws[i]!)
        const clean = q.join(' ')
        const own = new Set(terms(m.text))
        const at = Math.floor(rand() * n)
        let query: string | null = null
        if (kind === 'one typo (reference)') {
          const w = q[at]!
          q[at] = typo(w, rand, lang)
          if (!own.has(q[at]) && fuzzyDistance(q[at], w) !== null) query = q.join(' ')
        } else if (kind === 'wrong layout') {
          query = switchLayout(clean)
        } else if (kind === 'unfinished last word') {
          const last = q[n - 1]!
          if (last.length < 6) continue
          const keep = Math.max(3, Math.round(last.length * (0.5 + rand() * 0.25)))
          q[n - 1] = last.slice(0, Math.min(keep, last.length - 2))
          query = q.join(' ')
        } else if (kind === 'another word form') {
          if (q[at]!.length < 5) continue
          const known = realWords(lang, candidateForms(lang, q[at]!))
          const forms = otherForms(lang, q[at]!, known).filter((f) => !own.has(f))
          if (forms.length === 0) continue
          q[at] = pick(forms)
          query = q.join(' ')
        } else {
          const long = q.map((w, i) => ({ w, i })).filter(({ w }) => w.length >= 7)
          if (long.length === 0) continue
          const { w, i } = pick(long)
          const mangled = typo(typo(w, rand, lang), rand, lang)
          if (!own.has(mangled) && fuzzyDistance(mangled, w) === 2) {
            q[i] = mangled
            query = q.join(' ')
          }
        }
        if (query === null) continue
        if (!(await findsTarget(clean, m.i))) {
          vague++
          continue
        }
        out.push({ kind, lang, query, target: m.i })
        made++
      }
    }
  }
  return { queries: out, vague }
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
const dashed = (h: string) =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
const indexOf = (id: string) => parseInt(id.replaceAll('-', '').slice(20), 16)
const messageId = (i: number) => dashed(`${hex(BASE_MS + i * 1000, 12)}70008000${hex(i, 12)}`)
const chatId = (c: number) => dashed(`00000000000070008000${hex(c, 12)}`)

/** Stores the messages and indexes them as indexMessageText does, a batch per transaction. */
export const load = async (db: Db, messages: { text: string }[]) => {
  await db
    .insertInto('users')
    .values({
      id: USER,
      login: 'quality',
      email: 'quality@example.com',
      first_name: 'Q',
      last_name: 'U',
      password_hash: '0'.repeat(64),
      password_salt: '0'.repeat(32),
    })
    .execute()
  const chats = Array.from({ length: CHATS }, (_, c) => chatId(c))
  await db
    .insertInto('chats')
    .values(chats.map((id, c) => ({ id, title: `chat ${c}`, member_count: 1 })))
    .execute()
  await db
    .insertInto('chat_members')
    .values(chats.map((id) => ({ chat_id: id, user_id: USER })))
    .execute()
  for (let i = 0; i < messages.length; i += 500) {
    const batch = messages.slice(i, i + 500).map((m, k) => ({
      id: messageId(i + k),
      chat: chatId((i + k) % CHATS),
      text: m.text,
      terms: terms(m.text),
    }))
    const ids = await ensureTerms(db, [...new Set(batch.flatMap((b) => b.terms))])
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('messages')
        .values(
          batch.map((b) => ({
            id: b.id,
            chat_id: b.chat,
            sender_id: USER,
            client_id: b.id,
            text: b.text,
          })),
        )
        .execute()
      const postings = batch.flatMap((b) =>
        b.terms.map(
          (t) =>
            sql`(${ids.get(t)!}, ${Buffer.from(b.chat.replaceAll('-', ''), 'hex')}, ${Buffer.from(b.id.replaceAll('-', ''), 'hex')})`,
        ),
      )
      await sql`INSERT IGNORE INTO search_postings (term_id, chat_id, message_id) VALUES ${sql.join(postings)}`.execute(
        trx,
      )
    })
  }
}

/** The same messages in a fresh Elasticsearch index, as the indexer would write them. */
const loadElasticsearch = async (db: Db, url: string, index: string, messages: Message[]) => {
  const es = createElasticsearchIndex(db, { url, index, replicas: 0, timeoutMs: 60_000 })
  await es.init()
  for (let i = 0; i < messages.length; i += 1000) {
    const ops = messages.slice(i, i + 1000).map((m, k) => ({
      type: 'upsert' as const,
      doc: {
        messageId: messageId(i + k),
        chatId: chatId((i + k) % CHATS),
        senderId: USER,
        text: m.text,
        hasImage: false,
        createdAt: new Date(BASE_MS + (i + k) * 1000),
      },
      version: 1,
    }))
    await es.apply(ops, db)
  }
  // Searchable once refreshed (every second).
  for (let waited = 0; (await es.count()) < messages.length; waited += 200) {
    if (waited > 120_000) throw new Error('Elasticsearch did not show every message in 2 minutes')
    await new Promise((r) => setTimeout(r, 200))
  }
  return es
}

export async function run() {
  ensurePackages()
  const messages = corpus()
  const t = await createTestDb()
  try {
    const t0 = performance.now()
    await load(t.db, messages)
    const mysql = await evaluate(
      async (query) =>
        (await searchMessageIds(t.db, { userId: USER, query, limit: TOP })).map((h) => h.messageId),
      messages,
      { index: "the MySQL store's index", loadSeconds: (performance.now() - t0) / 1000 },
    )
    const url = process.env.ELASTICSEARCH_URL
    if (url === undefined) {
      return `${mysql}\n\nThe Elasticsearch adapter runs the same queries when ELASTICSEARCH_URL is set (it was not here).`
    }
    const name = `messages-quality-${randomBytes(4).toString('hex')}`
    try {
      const t1 = performance.now()
      const es = await loadElasticsearch(t.db, url, name, messages)
      const loadSeconds = (performance.now() - t1) / 1000
      const elastic = await evaluate(
        async (query) =>
          (await es.search({ userId: USER, query, limit: TOP })).map((h) => h.messageId),
        messages,
        { index: 'the Elasticsearch adapter', loadSeconds },
      )
      await es.close()
      return `${mysql}\n\n### Elasticsearch adapter\n\n${elastic}`
    } finally {
      await dropElasticsearchIndex(url, name)
    }
  } finally {
    await t.drop()
  }
}

/** The queries of every class against the loaded messages, as markdown. */
export const evaluate = async (
  search: (query: string) => Promise<string[]>,
  messages: Message[],
  how: { index: string; loadSeconds: number },
) => {
  {
    // The same text twice (cookies repeated across files) counts as the message.
    const norm = (s: string) => terms(s).join(' ')
    const byText = new Map<string, Set<number>>()
    messages.forEach((m, i) => {
      const k = norm(m.text)
      byText.set(k, (byText.get(k) ?? new Set()).add(i))
    })
    const ms: number[] = []
    const findsTarget = async (query: string, target: number, timed = false) => {
      const s = performance.now()
      const found = await search(query)
      if (timed) ms.push(performance.now() - s)
      const same = byText.get(norm(messages[target]!.text))!
      return found.some((id) => same.has(indexOf(id)))
    }
    const { queries, vague } = await makeQueries(messages, findsTarget)
    const hits = new Map<string, number>()
    const misses: string[] = []
    for (const q of queries) {
      const key = `${q.kind}|${q.lang}`
      if (await findsTarget(q.query, q.target, true)) hits.set(key, (hits.get(key) ?? 0) + 1)
      else misses.push(`${q.kind} (${q.lang}): "${q.query}"`)
    }
    const rows = KINDS.map((kind) => {
      const ru = hits.get(`${kind}|ru`) ?? 0
      const en = hits.get(`${kind}|en`) ?? 0
      const pct = (n: number, of: number) => `${Math.round((100 * n) / of)}%`
      return [
        kind,
        `${ru}/${PER_LANGUAGE}`,
        `${en}/${PER_LANGUAGE}`,
        `**${pct(ru + en, 2 * PER_LANGUAGE)}**`,
      ]
    })
    const langs = { ru: 0, en: 0 }
    for (const m of messages) langs[m.lang]++
    return [
      `${messages.length.toLocaleString('en')} messages of real text — Debian's fortune cookies, ` +
        `${langs.ru.toLocaleString('en')} Russian (fortunes-ru) and ${langs.en.toLocaleString('en')} English (fortunes) — ` +
        `in ${CHATS} chats of one user, indexed by ${how.index} (loaded in ${fmt(how.loadSeconds, 0)} s). ` +
        `Each query is 2-3 words (4+ letters, in order) of one random message, mangled as its class says; ` +
        `a hit is that message (or an identical text) in the top ${TOP} of its search. ` +
        'Word forms are made by changing the ending and kept only when hunspell (ru_RU, en_US) knows the ' +
        'result, so they do not depend on the stemmer under test; two typos are random deletions, ' +
        'substitutions, insertions or swaps after the first letter, at edit distance 2 from a word of 7+ letters.',
      '',
      table(['class', 'Russian', 'English', `hit rate, top ${TOP}`], rows),
      '',
      'Before this work (issue 12, 30 queries per class with the earlier search): wrong layout 0/30, ' +
        'unfinished last word 16/30, another word form 26/30, two typos in a long word 28/30.',
      '',
      `${vague} candidate queries were set aside because they missed their message even typed right.`,
      '',
      `Latency over all ${queries.length} queries: p50 ${fmt(median(ms))} ms, p95 ${fmt(quantile(ms, 0.95))} ms.`,
      '',
      'Some misses:',
      '',
      ...misses.slice(0, 15).map((m) => `- ${m}`),
    ].join('\n')
  }
}
