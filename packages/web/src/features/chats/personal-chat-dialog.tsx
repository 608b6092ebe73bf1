import type { Chat, User } from '@messenger/shared'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useI18n } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { navigate } from '../../lib/router'
import { errorMessage, trpc } from '../../lib/trpc'
import { removeChat } from '../events/merge'
import { Avatar } from '../layout/avatar'
import { chatTitle, personName } from '../profile/names'
import { ProfileLink } from '../profile/profile-link'
import { Modal } from '../layout/modal'

/**
 * A personal chat's info: the other person, and hiding the chat. A personal chat cannot be left
 * like a group (it is always the pair's): `chats.leave` hides it from this user's list until the
 * next message.
 */
export const PersonalChatDialog = ({
  me,
  chat,
  onClose,
}: {
  me: User
  chat: Chat
  onClose: () => void
}) => {
  const { t } = useI18n()
  const qc = useQueryClient()
  const other = chat.members.find((m) => m.id !== me.id)
  const hide = useMutation({
    mutationFn: () => trpc.chats.leave.mutate({ chatId: chat.id }),
    onSuccess: () => {
      qc.setQueryData<Chat[]>(keys.chats, (chats) => chats && removeChat(chats, chat.id))
      onClose()
      navigate('/')
    },
  })

  return (
    <Modal title={t('chatInfo')} onClose={onClose}>
      {other ? (
        <p className="person">
          <Avatar id={other.id} name={personName(t, other)} size={32} avatar={other.avatar} />
          <span className="grow">
            <ProfileLink user={other} onOpen={onClose} />
          </span>
        </p>
      ) : null}
      <p className="muted">{t('hideChatHint', { name: chatTitle(t, chat, me.id) })}</p>
      {hide.error ? (
        <p className="form-error" role="alert">
          {t('errGeneric', { message: errorMessage(hide.error) })}
        </p>
      ) : null}
      <button
        type="button"
        className="danger"
        disabled={hide.isPending}
        onClick={() => {
          if (window.confirm(t('confirmHideChat'))) hide.mutate()
        }}
      >
        {t('hideChat')}
      </button>
    </Modal>
  )
}
