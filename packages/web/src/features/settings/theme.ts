import { useSyncExternalStore } from 'react'

/** What the person picked in settings; "system" follows `prefers-color-scheme`. */
export type ThemeChoice = 'system' | 'light' | 'dark'
export type Theme = 'light' | 'dark'

export const THEME_KEY = 'messenger.theme'
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark']
/** The browser bar's colour per theme: the page's panels. */
const THEME_COLOURS: Record<Theme, string> = { light: '#2f6fde', dark: '#171b22' }

const darkQuery = () =>
  typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null

export const readThemeChoice = (): ThemeChoice => {
  try {
    const stored = localStorage.getItem(THEME_KEY)
    return stored === 'light' || stored === 'dark' ? stored : 'system'
  } catch {
    return 'system'
  }
}

export const resolveTheme = (choice: ThemeChoice, systemDark: boolean): Theme =>
  choice === 'system' ? (systemDark ? 'dark' : 'light') : choice

/** Sets `<html data-theme>` (what the CSS keys on), as public/theme.js did before the first paint. */
export const applyTheme = (choice = readThemeChoice()) => {
  const theme = resolveTheme(choice, darkQuery()?.matches ?? false)
  document.documentElement.dataset.theme = theme
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', THEME_COLOURS[theme])
}

const listeners = new Set<() => void>()
let current: ThemeChoice | null = null

export const setThemeChoice = (choice: ThemeChoice) => {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_KEY)
    else localStorage.setItem(THEME_KEY, choice)
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
  current = choice
  applyTheme(choice)
  for (const l of listeners) l()
}

/**
 * Applies the theme and keeps it current: the system's scheme changing (while on "system") and
 * another tab choosing a theme (the storage event).
 */
export const startTheme = () => {
  current = readThemeChoice()
  applyTheme(current)
  darkQuery()?.addEventListener('change', () => applyTheme(current ?? readThemeChoice()))
  window.addEventListener('storage', (e) => {
    if (e.key !== THEME_KEY && e.key !== null) return
    current = readThemeChoice()
    applyTheme(current)
    for (const l of listeners) l()
  })
}

const subscribe = (l: () => void) => {
  listeners.add(l)
  return () => listeners.delete(l)
}

export const useThemeChoice = (): ThemeChoice =>
  useSyncExternalStore(subscribe, () => current ?? readThemeChoice())
