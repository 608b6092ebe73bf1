import type { Chat, User } from '@messenger/shared'
import { fullName } from '@messenger/shared'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState, type SyntheticEvent } from 'react'
import { useI18n } from '../../lib/i18n'
import { leavingChats } from '../../lib/notice'
import { keys } from '../../lib/query-keys'
import { navigate } from '../../lib/router'
import { errorText, readError } from '../../lib/errors'
import { trpc } from '../../lib/trpc'
import { removeChat, upsertChat } from '../events/merge'
import { Avatar } from '../layout/avatar'
import { ProfileLink } from '../profile/profile-link'
import { AvatarEditor } from '../avatars/avatar-editor'
import { Modal } from '../layout/modal'
import { UserPicker } from './user-picker'

export const GroupSettingsDialog = ({
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
  const titleId = useId()
  const [edited, setEdited] = useState<string | null>(null)
  const title = edited ?? chat.title
  const setTitle = setEdited
  const isOwner = chat.ownerId === me.id

  const updated = (next: Chat) => {
    qc.setQueryData<Chat[]>(keys.chats, (chats) => chats && upsertChat(chats, next))
    qc.setQueryData(keys.chat(next.id), next)
  }
  const rename = useMutation({
    mutationFn: () => trpc.chats.rename.mutate({ chatId: chat.id, title: title.trim() }),
    onSuccess: (next) => {
      updated(next)
      setEdited(null)
    },
  })
  const add = useMutation({
    mutationFn: (userId: string) =>
      trpc.chats.addMembers.mutate({ chatId: chat.id, userIds: [userId] }),
    onSuccess: updated,
  })
  const removeMember = useMutation({
    mutationFn: (userId: string) => trpc.chats.removeMember.mutate({ chatId: chat.id, userId }),
    onSuccess: updated,
  })
  const leave = useMutation({
    mutationFn: () => {
      leavingChats.add(chat.id)
      return trpc.chats.leave.mutate({ chatId: chat.id })
    },
    onError: () => leavingChats.delete(chat.id),
    onSuccess: () => {
      qc.setQueryData<Chat[]>(keys.chats, (chats) => chats && removeChat(chats, chat.id))
      onClose()
      navigate('/')
    },
  })
  // A rename's problem belongs to the title field; the rest to the dialog.
  const renameProblem = rename.error ? readError(rename.error, ['title']) : null
  const titleError = renameProblem?.fields.title ?? renameProblem?.form ?? null
  const error = add.error ?? removeMember.error ?? leave.error

  const submitRename = (e: SyntheticEvent) => {
    e.preventDefault()
    if (title.trim() && title.trim() !== chat.title) rename.mutate()
  }

  return (
    <Modal title={t('groupSettings')} onClose={onClose}>
      {/* Only the owner may rename: the others see the title, not a field that can only fail. */}
      {isOwner ? (
        <form onSubmit={submitRename} className="stack">
          <label htmlFor={titleId}>{t('groupTitle')}</label>
          <div className="row">
            <input
              id={titleId}
              value={title}
              maxLength={100}
              required
              aria-invalid={titleError ? true : undefined}
              aria-describedby={titleError ? `${titleId}-error` : undefined}
              onChange={(e) => setTitle(e.target.value)}
            />
            <button type="submit" disabled={rename.isPending}>
              {t('rename')}
            </button>
          </div>
          {titleError ? (
            <p className="field-error" id={`${titleId}-error`} role="alert">
              {t(titleError.key, titleError.vars)}
            </p>
          ) : null}
        </form>
      ) : (
        <p className="group-title">{chat.title}</p>
      )}
      {isOwner ? (
        <AvatarEditor
          id={chat.id}
          name={chat.title}
          current={chat.avatar}
          chatId={chat.id}
          title={t('groupPhoto')}
          onSaved={async () => updated(await trpc.chats.get.query({ chatId: chat.id }))}
          onRemove={async () => updated(await trpc.chats.removeAvatar.mutate({ chatId: chat.id }))}
        />
      ) : null}
      <h3>{t('membersCount', { count: chat.members.length })}</h3>
      <ul className="people">
        {chat.members.map((m) => (
          <li key={m.id} className="person">
            <Avatar id={m.id} name={fullName(m)} size={32} avatar={m.avatar} />
            <span className="grow">
              <ProfileLink user={m} onOpen={onClose} />
              {m.id === chat.ownerId ? <span className="tag">{t('owner')}</span> : null}
              {m.id === me.id ? <span className="tag">{t('you_')}</span> : null}
            </span>
            {isOwner && m.id !== me.id ? (
              <button
                type="button"
                className="small"
                aria-label={t('removeMember', { name: fullName(m) })}
                onClick={() => removeMember.mutate(m.id)}
              >
                ×
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {isOwner ? (
        <>
          <h3>{t('addMembers')}</h3>
          <UserPicker
            key={chat.members.length}
            exclude={chat.members.map((m) => m.id)}
            onPick={(u) => add.mutate(u.id)}
          />
        </>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
      <button
        type="button"
        className="danger"
        onClick={() => {
          if (window.confirm(t('confirmLeave'))) leave.mutate()
        }}
      >
        {t('leaveGroup')}
      </button>
    </Modal>
  )
}
