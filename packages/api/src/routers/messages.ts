import {
  deleteMessageInput,
  editMessageInput,
  eventsHead,
  eventsInput,
  forwardMessageInput,
  hideMessageInput,
  listMessagesInput,
  listPinnedInput,
  message,
  messagePage,
  ok,
  pinMessageInput,
  pinnedPage,
  reactInput,
  reactorPage,
  reactorsInput,
  reactResult,
  searchResult,
  searchMessagesInput,
  sendMessageInput,
} from '@messenger/shared'
import { latestEventId } from '@messenger/db'
import { streamEvents } from '../events/stream'
import { listPinned, setPinned } from '../messages/pins'
import * as reactions from '../messages/reactions'
import * as messages from '../messages/service'
import { authedProcedure, router } from '../trpc'

export const messagesRouter = router({
  send: authedProcedure
    .input(sendMessageInput)
    .output(message)
    .mutation(({ ctx, input }) => messages.sendMessage(ctx, input)),
  list: authedProcedure
    .input(listMessagesInput)
    .output(messagePage)
    .query(({ ctx, input }) => reactions.listMessagesWithReactions(ctx, input)),
  edit: authedProcedure
    .input(editMessageInput)
    .output(message)
    .mutation(({ ctx, input }) => messages.editMessage(ctx, input.messageId, input.text)),
  delete: authedProcedure
    .input(deleteMessageInput)
    .output(ok)
    .mutation(({ ctx, input }) => messages.deleteMessage(ctx, input.messageId)),
  deleteForMe: authedProcedure
    .input(hideMessageInput)
    .output(ok)
    .mutation(({ ctx, input }) => messages.hideMessage(ctx, input.messageId)),
  forward: authedProcedure
    .input(forwardMessageInput)
    .output(message)
    .mutation(({ ctx, input }) => messages.forwardMessage(ctx, input)),
  pin: authedProcedure
    .input(pinMessageInput)
    .output(ok)
    .mutation(({ ctx, input }) => setPinned(ctx, input.messageId, true)),
  unpin: authedProcedure
    .input(pinMessageInput)
    .output(ok)
    .mutation(({ ctx, input }) => setPinned(ctx, input.messageId, false)),
  pinned: authedProcedure
    .input(listPinnedInput)
    .output(pinnedPage)
    .query(({ ctx, input }) => listPinned(ctx, input)),
  react: authedProcedure
    .input(reactInput)
    .output(reactResult)
    .mutation(({ ctx, input }) => reactions.react(ctx, input)),
  reactors: authedProcedure
    .input(reactorsInput)
    .output(reactorPage)
    .query(({ ctx, input }) => reactions.reactors(ctx, input)),
  search: authedProcedure
    .input(searchMessagesInput)
    .output(searchResult)
    .query(({ ctx, input }) => messages.searchMessages(ctx, input)),
  // Read before the first page and chat list: resuming from it replays whatever they miss.
  head: authedProcedure
    .output(eventsHead)
    .query(async ({ ctx }) => ({ lastEventId: await latestEventId(ctx.db) })),
  events: authedProcedure
    .input(eventsInput)
    .subscription(({ ctx, input, signal }) => streamEvents(ctx, input.lastEventId, signal)),
})
