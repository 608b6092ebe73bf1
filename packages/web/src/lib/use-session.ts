import { useSyncExternalStore } from 'react'
import { session } from './trpc'

export const useSessionStatus = () => useSyncExternalStore(session.subscribe, () => session.status)
export const useCurrentUser = () => useSyncExternalStore(session.subscribe, () => session.user)
