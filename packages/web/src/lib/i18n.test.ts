import { describe, expect, it } from 'vitest'
import { translate } from './i18n'

describe('counts by Intl.PluralRules', () => {
  it('uses the Russian one, few and many forms', () => {
    const members = (count: number) => translate('ru', 'membersCount', { count })
    expect(members(1)).toBe('1 участник')
    expect(members(2)).toBe('2 участника')
    expect(members(5)).toBe('5 участников')
    expect(members(11)).toBe('11 участников')
    expect(members(21)).toBe('21 участник')
    expect(members(24)).toBe('24 участника')
  })

  it('uses one and other in English', () => {
    expect(translate('en', 'membersCount', { count: 1 })).toMatch(/^1 member$/)
    expect(translate('en', 'membersCount', { count: 2 })).toMatch(/^2 members$/)
  })
})
