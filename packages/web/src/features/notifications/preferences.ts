import { useSyncExternalStore } from 'react'

/** This browser's notification choices (every tab of it; not the account's). */
export interface NotificationPrefs {
  /** Show browser notifications (once the browser allows them). */
  desktop: boolean
  /** A short chime for a message that would notify. */
  sound: boolean
  /** "Not now" on the offer above the chat list. */
  offerDismissed: boolean
}

export const PREFS_KEY = 'messenger.notifications'
const DEFAULTS: NotificationPrefs = { desktop: true, sound: true, offerDismissed: false }

const parse = (raw: string | null): NotificationPrefs => {
  if (!raw) return DEFAULTS
  try {
    const stored = JSON.parse(raw) as Partial<Record<keyof NotificationPrefs, unknown>>
    const flag = (key: keyof NotificationPrefs) =>
      typeof stored[key] === 'boolean' ? stored[key] : DEFAULTS[key]
    return {
      desktop: flag('desktop'),
      sound: flag('sound'),
      offerDismissed: flag('offerDismissed'),
    }
  } catch {
    return DEFAULTS
  }
}

let cachedRaw: string | null | undefined
let cached = DEFAULTS

export const readPrefs = (): NotificationPrefs => {
  let raw: string | null = null
  try {
    raw = localStorage.getItem(PREFS_KEY)
  } catch {
    // Storage blocked: the defaults.
  }
  if (raw !== cachedRaw) {
    cachedRaw = raw
    cached = parse(raw)
  }
  return cached
}

const listeners = new Set<() => void>()
const emit = () => {
  for (const l of listeners) l()
}

export const updatePrefs = (change: Partial<NotificationPrefs>) => {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ ...readPrefs(), ...change }))
  } catch {
    // Storage blocked: nothing to remember.
  }
  emit()
}

/** The browser's answer so far, or "unsupported" without the Notification API. */
export type Permission = NotificationPermission | 'unsupported'

export const readPermission = (): Permission =>
  typeof window.Notification === 'function' ? window.Notification.permission : 'unsupported'

/** Asks the browser; only ever called from a click (the offer or the settings switch). */
export const askPermission = async (): Promise<Permission> => {
  if (readPermission() === 'unsupported') return 'unsupported'
  try {
    await window.Notification.requestPermission()
  } catch {
    // An old callback-only API or a refusal to ask: the permission stays as it was.
  }
  emit()
  return readPermission()
}

const subscribe = (l: () => void) => {
  listeners.add(l)
  // Another tab's choice, and the permission changed in the browser's site settings.
  const onStorage = (e: StorageEvent) => {
    if (e.key === PREFS_KEY || e.key === null) l()
  }
  window.addEventListener('storage', onStorage)
  let status: PermissionStatus | null = null
  let gone = false
  // Older Safari has no Permissions API: a change there shows at the next render.
  const permissions = typeof navigator.permissions === 'undefined' ? null : navigator.permissions
  permissions
    ?.query({ name: 'notifications' })
    .then((s) => {
      if (gone) return
      status = s
      s.addEventListener('change', l)
    })
    .catch(() => undefined)
  return () => {
    gone = true
    listeners.delete(l)
    window.removeEventListener('storage', onStorage)
    status?.removeEventListener('change', l)
  }
}

export const usePrefs = () => useSyncExternalStore(subscribe, readPrefs)
export const usePermission = () => useSyncExternalStore(subscribe, readPermission)
