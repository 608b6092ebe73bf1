import type { Message } from '@messenger/shared'
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { useState, useSyncExternalStore } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { I18nProvider } from '../../lib/i18n'
import { chat, message, user } from '../../test/factories'
import { Composer } from './composer'
import { MessageList } from './message-list'
import { Outbox, visiblePending, type OutgoingInput } from './outbox'
import type { useAttachments } from './use-attachments'

const ann = user('Ann')
const bob = user('Bob')
const chatId = chat('Bob', [ann, bob]).id

const noAttachments: ReturnType<typeof useAttachments> = {
  items: [],
  add: () => undefined,
  remove: () => undefined,
  take: () => ({ images: [], files: [] }),
  uploading: false,
  ready: 0,
  refused: null,
  clearRefused: () => undefined,
}

/** The chat view's send path without the network: composer → outbox → list. */
const Harness = ({ outbox, history }: { outbox: Outbox; history: Message[] }) => {
  const pending = useSyncExternalStore(outbox.subscribe, outbox.getSnapshot)
  const [, rerender] = useState(0)
  return (
    <I18nProvider>
      <MessageList
        myId={ann.id}
        isGroup={false}
        messages={history}
        pending={visiblePending(pending, chatId, history)}
        hasOlder={false}
        loadingOlder={false}
        loadOlder={() => undefined}
        focusId={null}
        onOpenImage={() => undefined}
        onRetry={(id) => void outbox.retry(id).then(() => rerender((n) => n + 1))}
        onDiscard={(id) => outbox.discard(id)}
        onEdit={() => undefined}
        onDelete={() => undefined}
        onAtBottom={() => undefined}
        empty={null}
      />
      <Composer
        attachments={noAttachments}
        editing={null}
        onCancelEdit={() => undefined}
        onSaveEdit={() => undefined}
        onSend={(text) =>
          void outbox.send(ann, chatId, { text }).then(() => rerender((n) => n + 1))
        }
      />
    </I18nProvider>
  )
}

describe('optimistic sending in the chat view', () => {
  beforeEach(() => localStorage.setItem('messenger.lang', 'en'))
  afterEach(cleanup)

  it('Enter sends, Shift+Enter does not; a failed send offers Retry with the same clientId', async () => {
    const calls: OutgoingInput[] = []
    const history: Message[] = []
    let online = false
    const outbox = new Outbox({
      send: async (input) => {
        calls.push(input)
        await Promise.resolve()
        if (!online) throw new TypeError('Failed to fetch')
        return message(chatId, ann, input.text ?? '', new Date().toISOString(), {
          clientId: input.clientId,
        })
      },
      onSent: (m) => history.push(m),
    })
    render(<Harness outbox={outbox} history={history} />)
    const box = screen.getByRole('textbox', { name: 'Message' })

    fireEvent.change(box, { target: { value: 'line one' } })
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })
    expect(calls).toHaveLength(0)

    fireEvent.keyDown(box, { key: 'Enter' })
    expect(screen.getByText('line one')).toBeTruthy()
    await screen.findByText('Not sent')
    expect((box as HTMLTextAreaElement).value).toBe('')

    online = true
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Retry' }))
      await Promise.resolve()
    })
    await waitFor(() => expect(screen.queryByText('Not sent')).toBeNull())
    expect(calls.map((c) => c.clientId)).toEqual([calls[0]!.clientId, calls[0]!.clientId])
    expect(history).toHaveLength(1)
    expect(screen.getAllByText('line one')).toHaveLength(1)
  })

  it('the send button stays disabled for blank text', () => {
    const outbox = new Outbox({
      send: () => Promise.reject(new Error('unused')),
      onSent: () => undefined,
    })
    render(<Harness outbox={outbox} history={[]} />)
    const box = screen.getByRole('textbox', { name: 'Message' })
    fireEvent.change(box, { target: { value: '   ' } })
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Send' }).disabled).toBe(true)
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(outbox.getSnapshot()).toHaveLength(0)
  })
})
