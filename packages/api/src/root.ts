import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import { authRouter } from './routers/auth'
import { chatsRouter } from './routers/chats'
import { messagesRouter } from './routers/messages'
import { usersRouter } from './routers/users'
import { router } from './trpc'

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  chats: chatsRouter,
  messages: messagesRouter,
})

export type AppRouter = typeof appRouter
export type RouterInputs = inferRouterInputs<AppRouter>
export type RouterOutputs = inferRouterOutputs<AppRouter>
