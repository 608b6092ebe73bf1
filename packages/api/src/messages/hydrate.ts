import { findPublicUsers } from '@messenger/db'
import {
  REPLY_QUOTE_LENGTH,
  type Message,
  type PublicUser,
  type ReplyQuote,
} from '@messenger/shared'
import type { Deps } from '../deps'
import { resolveFiles } from '../files/service'
import { resolveImages } from '../images/service'
import { toPublicUser } from '../mappers'
import type { StoredMessage } from './store'

/** API messages from stored ones: senders from MySQL and images with fresh signed URLs, batched. */
export const hydrateMessages = async (
  deps: Deps,
  stored: readonly StoredMessage[],
  knownUsers: readonly PublicUser[] = [],
): Promise<Message[]> => {
  if (stored.length === 0) return []
  const byId = new Map(knownUsers.map((u) => [u.id, u]))
  const replyIds = [...new Set(stored.flatMap((m) => (m.replyToId ? [m.replyToId] : [])))]
  // Only messages of the same chat are ever answered, so whoever sees a reply may see its quote.
  const answered = replyIds.length > 0 ? await deps.messages.getMany(replyIds) : []
  const [users, images, files] = await Promise.all([
    findPublicUsers(deps.db, [
      ...new Set(
        [
          ...[...stored, ...answered].flatMap((m) => [
            m.senderId,
            ...(m.forwardedSenderId ? [m.forwardedSenderId] : []),
          ]),
          ...stored.flatMap((m) => m.system?.userIds ?? []),
        ].filter((id) => !byId.has(id)),
      ),
    ]),
    resolveImages(deps, [
      ...new Set([
        ...stored.flatMap((m) => m.imageIds),
        ...answered.flatMap((m) => (m.deleted ? [] : m.imageIds.slice(0, 1))),
      ]),
    ]),
    resolveFiles(deps, [...new Set(stored.flatMap((m) => (m.deleted ? [] : m.fileIds)))]),
  ])
  for (const u of users) byId.set(u.id, toPublicUser(u, deps.config.jwtSecret))
  const senderOf = (id: string) =>
    byId.get(id) ?? { id, login: 'deleted', firstName: 'Deleted', lastName: 'user' }
  const quotes = new Map(
    answered.map((a): [string, ReplyQuote] => [
      a.id,
      {
        id: a.id,
        sender: senderOf(a.senderId),
        text: a.deleted || a.text === null ? null : a.text.slice(0, REPLY_QUOTE_LENGTH),
        image: a.deleted ? null : (images.get(a.imageIds[0] ?? '') ?? null),
        deleted: a.deleted,
      },
    ]),
  )
  return stored.map((m) => ({
    id: m.id,
    chatId: m.chatId,
    clientId: m.clientId,
    sender: senderOf(m.senderId),
    text: m.deleted ? null : m.text,
    images: m.deleted ? [] : m.imageIds.flatMap((id) => images.get(id) ?? []),
    files: m.deleted ? [] : m.fileIds.flatMap((id) => files.get(id) ?? []),
    createdAt: m.createdAt.toISOString(),
    editedAt: m.editedAt?.toISOString() ?? null,
    deleted: m.deleted,
    replyTo: m.replyToId ? (quotes.get(m.replyToId) ?? null) : null,
    forwardedFrom:
      m.forwardedFromId && m.forwardedSenderId
        ? { messageId: m.forwardedFromId, sender: senderOf(m.forwardedSenderId) }
        : null,
    // Only on system messages: the others' payload stays as it was.
    ...(m.system && {
      system: {
        kind: m.system.kind,
        title: m.system.title ?? null,
        users: (m.system.userIds ?? []).map(senderOf),
        userCount: m.system.userCount ?? 0,
      },
    }),
  }))
}
