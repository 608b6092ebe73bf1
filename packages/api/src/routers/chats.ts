import {
  addMembersInput,
  chat,
  chatIdInput,
  chatPage,
  createDirectInput,
  createGroupInput,
  listChatsInput,
  markReadInput,
  ok,
  removeMemberInput,
  renameChatInput,
  typingInput,
  receipts,
  receiptsInput,
  seenByInput,
  seenByPage,
  setChatPreferencesInput,
} from '@messenger/shared'
import { assertGroupOwner, setAvatar } from '../avatars/service'
import * as chats from '../chats/service'
import { receiptsOf, seenBy } from '../chats/receipts'
import { announceTyping } from '../chats/typing'
import { authedProcedure, router } from '../trpc'

export const chatsRouter = router({
  createDirect: authedProcedure
    .input(createDirectInput)
    .output(chat)
    .mutation(({ ctx, input }) => chats.createDirect(ctx, input.userId)),
  createGroup: authedProcedure
    .input(createGroupInput)
    .output(chat)
    .mutation(({ ctx, input }) => chats.createGroup(ctx, input.title, input.memberIds)),
  list: authedProcedure
    .input(listChatsInput)
    .output(chatPage)
    .query(({ ctx, input }) => chats.listChats(ctx, input)),
  get: authedProcedure
    .input(chatIdInput)
    .output(chat)
    .query(({ ctx, input }) => chats.getChat(ctx, input.chatId)),
  addMembers: authedProcedure
    .input(addMembersInput)
    .output(chat)
    .mutation(({ ctx, input }) => chats.addMembers(ctx, input.chatId, input.userIds)),
  removeMember: authedProcedure
    .input(removeMemberInput)
    .output(chat)
    .mutation(({ ctx, input }) => chats.removeMember(ctx, input.chatId, input.userId)),
  rename: authedProcedure
    .input(renameChatInput)
    .output(chat)
    .mutation(({ ctx, input }) => chats.rename(ctx, input.chatId, input.title)),
  /** The group's photo back to initials, by its owner (beyond API.md; uploads: POST /api/avatars). */
  removeAvatar: authedProcedure
    .input(chatIdInput)
    .output(chat)
    .mutation(async ({ ctx, input }) => {
      await assertGroupOwner(ctx, input.chatId, ctx.user.id)
      await setAvatar(ctx, { chatId: input.chatId, ownerId: ctx.user.id }, null)
      return chats.getChat(ctx, input.chatId)
    }),
  leave: authedProcedure
    .input(chatIdInput)
    .output(ok)
    .mutation(({ ctx, input }) => chats.leave(ctx, input.chatId)),
  setPreferences: authedProcedure
    .input(setChatPreferencesInput)
    .output(chat)
    .mutation(({ ctx, input }) => chats.setPreferences(ctx, input)),
  markRead: authedProcedure
    .input(markReadInput)
    .output(ok)
    .mutation(({ ctx, input }) => chats.markRead(ctx, input.chatId, input.messageId)),
  /** "I am typing" to the chat's other members: ephemeral, see docs/conversation.md. */
  typing: authedProcedure
    .input(typingInput)
    .output(ok)
    .mutation(({ ctx, input }) => announceTyping(ctx, input.chatId)),
  /** Read receipts: "seen by N" for messages of a chat. */
  receipts: authedProcedure
    .input(receiptsInput)
    .output(receipts)
    .query(({ ctx, input }) => receiptsOf(ctx, input)),
  /** Who has seen a message, keyset-paged. */
  seenBy: authedProcedure
    .input(seenByInput)
    .output(seenByPage)
    .query(({ ctx, input }) => seenBy(ctx, input)),
})
