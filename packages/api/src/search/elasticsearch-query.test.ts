/**
 * The Elasticsearch query as built, without a cluster: the ranking it encodes must be the MySQL
 * index's (MATCH_COST). What a cluster answers to it is tested in messages/contract.test.ts when
 * ELASTICSEARCH_URL is set.
 */
import type { estypes } from '@elastic/elasticsearch'
import { describe, expect, it } from 'vitest'
import { MARK_END, MARK_START, markedWords, textQuery } from './elasticsearch-query'

type Query = estypes.QueryDslQueryContainer

/** The readings of a query: as typed, then through the other layout when there is one. */
const readings = (query: string): Query[] => {
  const q = textQuery(query)?.query
  return q?.dis_max?.queries ?? (q === undefined ? [] : [q])
}

/** Per query word of one reading, the worth of each way it may match. */
const worths = (reading: Query | undefined) => {
  const should = reading?.bool?.should
  return (Array.isArray(should) ? should : []).map((word) =>
    (word?.dis_max?.queries ?? []).map((way) => way?.constant_score?.boost),
  )
}

describe('textQuery', () => {
  it('scores the ways a word matches as the MySQL index ranks them', () => {
    expect(textQuery('castle')?.layout).toBe('сфыеду')
    const [typed, layout] = readings('castle')
    // Exact, form, completion, one typo, two typos, completion with a typo.
    expect(worths(typed)).toEqual([[1000, 999, 998, 997, 996, 995]])
    // The other layout's reading: each match 6 cheaper.
    expect(worths(layout)).toEqual([[994, 993, 992, 991, 990, 989]])
  })

  it('completes only the last word, and allows typos by length', () => {
    const [typed] = readings('an opinion')
    // "an": whole only, no typos (2 letters); "opinion": all six ways.
    expect(worths(typed)).toEqual([
      [1000, 999],
      [1000, 999, 998, 997, 996, 995],
    ])
    // 3–5 letters: one typo; a completion without a typo below 5 letters.
    expect(worths(readings('обор')[0])).toEqual([[1000, 999, 998, 997]])
  })

  it('reads a query typed with the wrong layout both ways', () => {
    expect(textQuery('ghbdtn j,tl')?.layout).toBe('привет обед')
    expect(textQuery('руддщ')?.layout).toBe('hello')
    // Digits alone have no other reading.
    expect(textQuery('2026')?.layout).toBeNull()
    expect(readings('2026')).toHaveLength(1)
    expect(textQuery('  ,. ')).toBeNull()
  })
})

describe('markedWords', () => {
  it('collects the marked words of every field as search terms', () => {
    const mark = (w: string) => `${MARK_START}${w}${MARK_END}`
    expect(
      markedWords({
        text: [`Обсудим ${mark('Оборону')} крепости`],
        'text.ru': [`Обсудим оборону ${mark('крепости')}`],
        'text.prefix': [`${mark('Оборону')} и ${mark('Ёлку')}`],
      }),
    ).toEqual(['оборону', 'крепости', 'елку'])
    expect(markedWords(undefined)).toEqual([])
  })
})
