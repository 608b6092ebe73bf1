import { afterEach, describe, expect, it } from 'vitest'
import { readThemeChoice, resolveTheme, setThemeChoice, THEME_KEY } from './theme'

describe('theme', () => {
  afterEach(() => localStorage.clear())

  it('follows the system unless light or dark was chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
  })

  it('remembers the choice, and "system" by forgetting it', () => {
    expect(readThemeChoice()).toBe('system')
    setThemeChoice('dark')
    expect(localStorage.getItem(THEME_KEY)).toBe('dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
    setThemeChoice('light')
    expect(document.documentElement.dataset.theme).toBe('light')
    setThemeChoice('system')
    expect(localStorage.getItem(THEME_KEY)).toBeNull()
    expect(readThemeChoice()).toBe('system')
  })

  it('ignores a stored value it does not know', () => {
    localStorage.setItem(THEME_KEY, 'sepia')
    expect(readThemeChoice()).toBe('system')
  })
})
