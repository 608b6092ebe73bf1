import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { I18nProvider } from '../../lib/i18n'
import { chat, message, user } from '../../test/factories'
import { Composer } from './composer'
import type { Attachment, useAttachments } from './use-attachments'

const ann = user('Ann')
const chatId = chat('Bob', [ann, user('Bob')]).id
const attachments = (count: number): ReturnType<typeof useAttachments> => ({
  items: Array.from({ length: count }, (_, i): Attachment => ({
    key: `a${i}`,
    kind: 'image',
    name: `a${i}.png`,
    previewUrl: '',
    progress: 1,
    image: null,
    file: null,
    error: null,
  })),
  add: () => undefined,
  remove: () => undefined,
  take: () => ({ images: [], files: [] }),
  uploading: false,
  ready: count,
  refused: null,
  clearRefused: () => undefined,
})

const renderComposer = (o: { editing?: boolean; files?: number } = {}) => {
  const asked: number[] = []
  const editing = o.editing ? message(chatId, ann, 'being edited', new Date().toISOString()) : null
  render(
    <I18nProvider>
      <Composer
        attachments={attachments(o.files ?? 0)}
        editing={editing}
        onCancelEdit={() => undefined}
        onSaveEdit={() => undefined}
        onSend={() => undefined}
        onEditLast={() => asked.push(1)}
      />
    </I18nProvider>,
  )
  return { asked, box: screen.getByRole('textbox', { name: 'Message' }) }
}

describe('↑ in the composer', () => {
  beforeEach(() => localStorage.setItem('messenger.lang', 'en'))
  afterEach(cleanup)

  it('asks to edit the last own message only when the composer is empty', () => {
    const { asked, box } = renderComposer()
    fireEvent.keyDown(box, { key: 'ArrowUp' })
    expect(asked).toHaveLength(1)
    fireEvent.change(box, { target: { value: 'typing' } })
    fireEvent.keyDown(box, { key: 'ArrowUp' })
    expect(asked).toHaveLength(1)
  })

  it('moves the caret as usual while editing or with files attached', () => {
    const editing = renderComposer({ editing: true })
    fireEvent.change(editing.box, { target: { value: '' } })
    fireEvent.keyDown(editing.box, { key: 'ArrowUp' })
    expect(editing.asked).toHaveLength(0)
    cleanup()
    const withFiles = renderComposer({ files: 1 })
    fireEvent.keyDown(withFiles.box, { key: 'ArrowUp' })
    expect(withFiles.asked).toHaveLength(0)
  })
})
