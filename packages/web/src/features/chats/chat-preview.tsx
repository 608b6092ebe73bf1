import type { Chat } from '@messenger/shared'
import { useTypingText } from '../typing/typing'

/** The last message's preview, or who is typing there right now. */
export const ChatPreview = ({ chat, text }: { chat: Chat; text: string }) => {
  const typing = useTypingText(chat, chat.id)
  return typing ? (
    <span className="chat-preview typing">{typing}</span>
  ) : (
    <span className="chat-preview">{text}</span>
  )
}
