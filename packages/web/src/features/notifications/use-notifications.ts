import type { Chat, ChatEvent, Message, User } from '@messenger/shared'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { translate, useI18n } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { chatPath, navigate } from '../../lib/router'
import { liveEventListeners } from '../events/use-live-events'
import { appIconUrl } from './favicon'
import { readPermission, readPrefs } from './preferences'
import { notificationContent, shouldNotify } from './should-notify'
import { playChime, unlockAudioOnGesture } from './sound'
import { startTabCoordinator } from './tab-coordinator'

const hidden = () => document.visibilityState !== 'visible'

/**
 * While the tab is hidden, a new message from someone else shows a browser notification (sender,
 * chat, a short preview) and plays a chime, each as chosen in settings; clicking it brings this
 * tab forward with the chat open. One tab of several notifies, and none while one is on screen.
 */
export const useNotifications = (me: Pick<User, 'id' | 'login'>) => {
  const qc = useQueryClient()
  const { lang } = useI18n()
  const { id, login } = me

  useEffect(() => {
    const tabs = startTabCoordinator()
    const stopUnlock = unlockAudioOnGesture()
    const t = translate.bind(null, lang)

    const show = (chat: Chat | undefined, message: Message) => {
      const { title, body, tag } = notificationContent(chat, message, t)
      const icon = appIconUrl()
      try {
        // Silent: the chime (when on) is the sound, so the system's does not play on top of it.
        const n = new Notification(title, {
          body,
          tag,
          lang,
          silent: true,
          ...(icon ? { icon } : {}),
        })
        n.onclick = () => {
          window.focus()
          navigate(chatPath(message.chatId))
          n.close()
        }
      } catch {
        // Browsers that allow notifications only from a service worker (Chrome on Android).
      }
    }

    const onEvent = async (event: ChatEvent) => {
      if (event.type !== 'message.created' || !hidden()) return
      const { message } = event
      const chat =
        qc.getQueryData<Chat[]>(keys.chats)?.find((c) => c.id === message.chatId) ??
        qc.getQueryData<Chat>(keys.chat(message.chatId))
      if (!shouldNotify(chat, message, { id, login }) || !tabs.isLeader()) return
      const prefs = readPrefs()
      const notify = prefs.desktop && readPermission() === 'granted'
      if (!notify && !prefs.sound) return
      if ((await tabs.anotherTabVisible()) || !hidden()) return
      if (notify) show(chat, message)
      if (prefs.sound) playChime()
    }
    const listener = (event: ChatEvent) => void onEvent(event)

    liveEventListeners.add(listener)
    return () => {
      liveEventListeners.delete(listener)
      tabs.close()
      stopUnlock()
    }
  }, [qc, id, login, lang])
}
