/** Strings of mentions, forwards and "delete for me", kept apart like the other features'. */
export const mentionsEn = {
  mentionSuggestions: 'People to mention',
  mentionUnread: { one: '{count} unread mention', other: '{count} unread mentions' },
  mentionOfYou: 'mentions you',
  forward: 'Forward',
  forwardTo: 'Forward to…',
  forwardFilter: 'Find a chat',
  forwardNoChats: 'No chats to forward to.',
  forwarded: 'Forwarded from {name}',
  forwardedTo: 'Forwarded to {title}.',
  deleteForMe: 'Delete for me',
  deleteForEveryone: 'Delete for everyone',
  confirmDeleteForMe: 'Delete this message for you? Others will still see it.',
  confirmDeleteForEveryone: 'Delete this message for everyone?',
} as const

export const mentionsRu: Record<
  keyof typeof mentionsEn,
  string | { one: string; few?: string; many?: string; other: string }
> = {
  mentionSuggestions: 'Кого упомянуть',
  mentionUnread: {
    one: '{count} непрочитанное упоминание',
    few: '{count} непрочитанных упоминания',
    many: '{count} непрочитанных упоминаний',
    other: '{count} непрочитанного упоминания',
  },
  mentionOfYou: 'упоминает вас',
  forward: 'Переслать',
  forwardTo: 'Переслать в…',
  forwardFilter: 'Найти чат',
  forwardNoChats: 'Некуда переслать.',
  forwarded: 'Переслано от {name}',
  forwardedTo: 'Переслано в «{title}».',
  deleteForMe: 'Удалить у меня',
  deleteForEveryone: 'Удалить у всех',
  confirmDeleteForMe: 'Удалить это сообщение у вас? У остальных оно останется.',
  confirmDeleteForEveryone: 'Удалить это сообщение у всех?',
}
