import type { Chat, PublicUser, User } from '@messenger/shared'
import { fullName } from '@messenger/shared'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState, type SyntheticEvent } from 'react'
import { useI18n } from '../../lib/i18n'
import { keys } from '../../lib/query-keys'
import { chatPath, navigate } from '../../lib/router'
import { errorText, readError } from '../../lib/errors'
import { trpc } from '../../lib/trpc'
import { upsertChat } from '../events/merge'
import { Modal } from '../layout/modal'
import { UserPicker } from './user-picker'

export const NewChatDialog = ({ me, onClose }: { me: User; onClose: () => void }) => {
  const { t } = useI18n()
  const qc = useQueryClient()
  const titleId = useId()
  const [mode, setMode] = useState<'direct' | 'group'>('direct')
  const [title, setTitle] = useState('')
  const [members, setMembers] = useState<PublicUser[]>([])

  const opened = (chat: Chat) => {
    qc.setQueryData<Chat[]>(keys.chats, (chats) => (chats ? upsertChat(chats, chat) : [chat]))
    onClose()
    navigate(chatPath(chat.id))
  }
  const direct = useMutation({
    mutationFn: (userId: string) => trpc.chats.createDirect.mutate({ userId }),
    onSuccess: opened,
  })
  const group = useMutation({
    mutationFn: () =>
      trpc.chats.createGroup.mutate({ title: title.trim(), memberIds: members.map((m) => m.id) }),
    onSuccess: opened,
  })
  const error = direct.error ?? group.error
  const problems = group.error ? readError(group.error, ['title']) : null
  const titleError = problems?.fields.title

  const toggle = (u: PublicUser) =>
    setMembers((ms) =>
      ms.some((m) => m.id === u.id) ? ms.filter((m) => m.id !== u.id) : [...ms, u],
    )

  const submitGroup = (e: SyntheticEvent) => {
    e.preventDefault()
    if (title.trim()) group.mutate()
  }

  return (
    <Modal title={mode === 'direct' ? t('newChat') : t('newGroup')} onClose={onClose}>
      <div className="tabs" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'direct'}
          onClick={() => setMode('direct')}
        >
          {t('tabPersonal')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'group'}
          onClick={() => setMode('group')}
        >
          {t('tabGroup')}
        </button>
      </div>
      {mode === 'direct' ? (
        <UserPicker exclude={[me.id]} onPick={(u) => direct.mutate(u.id)} />
      ) : (
        <form onSubmit={submitGroup} className="stack">
          <label htmlFor={titleId}>{t('groupTitle')}</label>
          <input
            id={titleId}
            value={title}
            required
            maxLength={100}
            aria-invalid={titleError ? true : undefined}
            aria-describedby={titleError ? `${titleId}-error` : undefined}
            onChange={(e) => setTitle(e.target.value)}
          />
          {titleError ? (
            <p className="field-error" id={`${titleId}-error`}>
              {t(titleError.key, titleError.vars)}
            </p>
          ) : null}
          {members.length > 0 ? (
            <ul className="chips" aria-label={t('members')}>
              {members.map((m) => (
                <li key={m.id}>
                  <button
                    type="button"
                    className="chip"
                    aria-label={t('removeMember', { name: fullName(m) })}
                    onClick={() => toggle(m)}
                  >
                    {fullName(m)} ×
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <UserPicker exclude={[me.id]} selectedIds={members.map((m) => m.id)} onPick={toggle} />
          <button type="submit" className="primary" disabled={group.isPending || !title.trim()}>
            {t('create')}
          </button>
        </form>
      )}
      {error && !titleError ? (
        <p className="form-error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </Modal>
  )
}
