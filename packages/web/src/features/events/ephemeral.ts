import type { EphemeralEvent } from '@messenger/shared'
import type { QueryClient } from '@tanstack/react-query'
import { notePresence } from '../presence/presence-store'
import { noteTyping } from '../typing/typing-store'

/** Applies an event that was never logged: it only changes what is on screen now. */
export const applyEphemeral = (_qc: QueryClient, event: EphemeralEvent, myId: string) => {
  switch (event.type) {
    case 'typing':
      if (event.userId !== myId) noteTyping(event.chatId, event.userId)
      return
    case 'presence':
      notePresence([{ userId: event.userId, online: event.online, lastSeenAt: event.lastSeenAt }])
      return
  }
}
