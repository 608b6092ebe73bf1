import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'

const en = {
  appName: 'Messenger',
  signIn: 'Sign in',
  signUp: 'Create account',
  signingIn: 'Signing in…',
  signingUp: 'Creating account…',
  loginOrEmail: 'Login or email',
  login: 'Login',
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  password: 'Password',
  passwordAgain: 'Repeat password',
  noAccount: 'No account yet?',
  haveAccount: 'Already have an account?',
  errWrongCredentials: 'Wrong login or password.',
  errLoginTaken: 'This login is already taken.',
  errEmailTaken: 'This email is already registered.',
  errTooMany: 'Too many attempts. Wait a few minutes and try again.',
  errPasswordShort: 'The password must be at least 8 characters.',
  errPasswordMismatch: 'The passwords do not match.',
  errLoginFormat: 'Login: 3–32 characters, letters a–z, digits, “_”, “.” or “-”.',
  errNetwork: 'Cannot reach the server. Check your connection and try again.',
  errGeneric: 'Something went wrong: {message}',
  loading: 'Loading…',
  chats: 'Chats',
  newChat: 'New chat',
  newGroup: 'New group',
  tabPersonal: 'Personal',
  tabGroup: 'Group',
  searchMessages: 'Search messages',
  settings: 'Settings',
  logout: 'Log out',
  noChats: 'No chats yet. Start one with “New chat”.',
  noMessages: 'No messages yet. Say hello!',
  selectChat: 'Select a chat or start a new one.',
  back: 'Back',
  close: 'Close',
  cancel: 'Cancel',
  save: 'Save',
  you: 'You',
  unread: { one: '{count} unread message', other: '{count} unread messages' },
  image: 'Image',
  deletedMessage: 'Message deleted',
  edited: 'edited',
  sending: 'Sending…',
  failed: 'Not sent',
  retry: 'Retry',
  edit: 'Edit',
  messageActions: 'Message actions',
  delete: 'Delete',
  confirmDelete: 'Delete this message?',
  messagePlaceholder: 'Write a message…',
  messageInput: 'Message',
  send: 'Send',
  attach: 'Attach images',
  removeAttachment: 'Remove image',
  uploading: 'Uploading {name}',
  uploadFailed: 'Could not upload {name}: {message}',
  dropHere: 'Drop images here',
  openImage: 'Open image',
  imageViewer: 'Image viewer',
  loadingOlder: 'Loading older messages…',
  today: 'Today',
  yesterday: 'Yesterday',
  reconnecting: 'Connection lost. Reconnecting…',
  findPeople: 'Find people',
  findPeoplePlaceholder: 'Name, login or email',
  nobodyFound: 'Nobody found.',
  groupTitle: 'Group title',
  members: 'Members',
  addMembers: 'Add members',
  create: 'Create',
  groupSettings: 'Group settings',
  chatInfo: 'Chat info',
  rename: 'Rename',
  removeMember: 'Remove {name}',
  leaveGroup: 'Leave group',
  confirmLeave: 'Leave this group?',
  hideChat: 'Hide chat',
  hideChatHint:
    'Hiding takes the chat out of your list only: the history stays, {name} is not told, and the chat comes back with the next message.',
  confirmHideChat: 'Hide this chat from your list?',
  owner: 'owner',
  add: 'Add',
  membersCount: { one: '{count} member', other: '{count} members' },
  searchPlaceholder: 'Search in all chats',
  searchInput: 'Search query',
  nothingFound: 'Nothing found.',
  sessions: 'Sessions',
  thisDevice: 'this device',
  lastUsed: 'last used {time}',
  endSession: 'End session',
  unknownDevice: 'Unknown device',
  language: 'Language',
  profile: 'Profile',
  saved: 'Saved.',
  editing: 'Editing message',
  cancelEdit: 'Cancel editing',
  chatList: 'Chat list',
  messages: 'Messages',
  you_: 'you',
  selected: 'selected',
  errRequired: 'Fill in this field.',
  errTooShort: {
    one: 'Too short: at least {count} character.',
    other: 'Too short: at least {count} characters.',
  },
  errTooLong: {
    one: 'Too long: at most {count} character.',
    other: 'Too long: at most {count} characters.',
  },
  errEmailFormat: 'Enter an email address like name@example.com.',
  errInvalidValue: 'This value is not accepted.',
  errFieldProblem: '{field}: {problem}',
  errForbidden: 'You are not allowed to do this.',
  errOwnerOnly: 'Only the group’s owner can do this.',
  errNotFound: 'It no longer exists.',
  errConflict: 'This conflicts with something that already exists.',
  errServer: 'The server could not do this. Try again in a minute.',
  errSessionEnded: 'Your session has ended. Sign in again.',
  uploadNotImage: '“{name}” is not an image.',
  uploadCorrupt: '“{name}” could not be read as an image.',
  uploadTooBig: '“{name}” is too large: too many bytes or pixels.',
  uploadUnsupported: '“{name}”: this image format is not supported.',
  uploadNetwork: '“{name}” was not uploaded: no connection.',
  notAttached: {
    one: '{count} file was not attached: at most {max} images per message.',
    other: '{count} files were not attached: at most {max} images per message.',
  },
  notImages: 'Not attached, not images: {names}.',
  removedFromChat: 'You are no longer a member of “{title}”.',
  chatUnavailable: 'This chat is not available: you are not a member of it, or it was deleted.',
  backToChats: 'Back to chats',
  dismiss: 'Dismiss',
  newMessages: 'New messages',
  jumpToLatest: 'Jump to the latest message',
  newCount: { one: '{count} new message', other: '{count} new messages' },
  download: 'Download',
  endOtherSessions: 'End all other sessions',
  signedInAt: 'signed in {time}',
  fromAddress: 'from {address}',
  currentSession: 'current session',
  otherSessionsEnded: 'All other sessions have ended.',
  noOtherSessions: 'No other sessions.',
  chatActions: 'Actions for “{title}”',
  pin: 'Pin to top',
  unpin: 'Unpin',
  mute: 'Mute',
  unmute: 'Unmute',
  archiveChat: 'Archive',
  unarchive: 'Move out of the archive',
  archive: 'Archive',
  archiveList: 'Archived chats',
  pinned: 'Pinned',
  muted: 'Muted',
  chatCount: { one: '{count} chat', other: '{count} chats' },
  errPinLimit: 'At most 10 chats can be pinned. Unpin one first.',
} as const

export type MessageKey = keyof typeof en

/** Forms chosen by `Intl.PluralRules` for `{count}` (Russian needs one, few and many). */
export interface Plural {
  one: string
  few?: string
  many?: string
  other: string
}
type Entry = string | Plural

const ru: Record<MessageKey, Entry> = {
  appName: 'Мессенджер',
  signIn: 'Войти',
  signUp: 'Зарегистрироваться',
  signingIn: 'Входим…',
  signingUp: 'Создаём аккаунт…',
  loginOrEmail: 'Логин или email',
  login: 'Логин',
  email: 'Email',
  firstName: 'Имя',
  lastName: 'Фамилия',
  password: 'Пароль',
  passwordAgain: 'Пароль ещё раз',
  noAccount: 'Ещё нет аккаунта?',
  haveAccount: 'Уже есть аккаунт?',
  errWrongCredentials: 'Неверный логин или пароль.',
  errLoginTaken: 'Этот логин уже занят.',
  errEmailTaken: 'Этот email уже зарегистрирован.',
  errTooMany: 'Слишком много попыток. Подождите несколько минут и попробуйте снова.',
  errPasswordShort: 'Пароль должен быть не короче 8 символов.',
  errPasswordMismatch: 'Пароли не совпадают.',
  errLoginFormat: 'Логин: 3–32 символа, латинские буквы, цифры, «_», «.» или «-».',
  errNetwork: 'Нет связи с сервером. Проверьте подключение и попробуйте снова.',
  errGeneric: 'Что-то пошло не так: {message}',
  loading: 'Загрузка…',
  chats: 'Чаты',
  newChat: 'Новый чат',
  newGroup: 'Новая группа',
  tabPersonal: 'Личный',
  tabGroup: 'Группа',
  searchMessages: 'Поиск сообщений',
  settings: 'Настройки',
  logout: 'Выйти',
  noChats: 'Чатов пока нет. Начните с кнопки «Новый чат».',
  noMessages: 'Сообщений пока нет. Поздоровайтесь!',
  selectChat: 'Выберите чат или начните новый.',
  back: 'Назад',
  close: 'Закрыть',
  cancel: 'Отмена',
  save: 'Сохранить',
  you: 'Вы',
  unread: {
    one: '{count} непрочитанное сообщение',
    few: '{count} непрочитанных сообщения',
    many: '{count} непрочитанных сообщений',
    other: '{count} непрочитанного сообщения',
  },
  image: 'Изображение',
  deletedMessage: 'Сообщение удалено',
  edited: 'изменено',
  sending: 'Отправка…',
  failed: 'Не отправлено',
  retry: 'Повторить',
  edit: 'Изменить',
  messageActions: 'Действия с сообщением',
  delete: 'Удалить',
  confirmDelete: 'Удалить это сообщение?',
  messagePlaceholder: 'Напишите сообщение…',
  messageInput: 'Сообщение',
  send: 'Отправить',
  attach: 'Прикрепить изображения',
  removeAttachment: 'Убрать изображение',
  uploading: 'Загрузка {name}',
  uploadFailed: 'Не удалось загрузить {name}: {message}',
  dropHere: 'Перетащите изображения сюда',
  openImage: 'Открыть изображение',
  imageViewer: 'Просмотр изображения',
  loadingOlder: 'Загружаем более ранние сообщения…',
  today: 'Сегодня',
  yesterday: 'Вчера',
  reconnecting: 'Связь потеряна. Переподключаемся…',
  findPeople: 'Найти людей',
  findPeoplePlaceholder: 'Имя, логин или email',
  nobodyFound: 'Никого не нашли.',
  groupTitle: 'Название группы',
  members: 'Участники',
  addMembers: 'Добавить участников',
  create: 'Создать',
  groupSettings: 'Настройки группы',
  chatInfo: 'О чате',
  rename: 'Переименовать',
  removeMember: 'Удалить {name}',
  leaveGroup: 'Покинуть группу',
  confirmLeave: 'Покинуть эту группу?',
  hideChat: 'Скрыть чат',
  hideChatHint:
    'Чат пропадёт только из вашего списка: история сохранится, {name} об этом не узнает, а со следующим сообщением чат вернётся.',
  confirmHideChat: 'Скрыть этот чат из списка?',
  owner: 'владелец',
  add: 'Добавить',
  membersCount: {
    one: '{count} участник',
    few: '{count} участника',
    many: '{count} участников',
    other: '{count} участника',
  },
  searchPlaceholder: 'Поиск по всем чатам',
  searchInput: 'Поисковый запрос',
  nothingFound: 'Ничего не найдено.',
  sessions: 'Сеансы',
  thisDevice: 'это устройство',
  lastUsed: 'активность {time}',
  endSession: 'Завершить сеанс',
  unknownDevice: 'Неизвестное устройство',
  language: 'Язык',
  profile: 'Профиль',
  saved: 'Сохранено.',
  editing: 'Редактирование',
  cancelEdit: 'Отменить редактирование',
  chatList: 'Список чатов',
  messages: 'Сообщения',
  you_: 'вы',
  selected: 'выбран',
  errRequired: 'Заполните это поле.',
  errTooShort: {
    one: 'Слишком коротко: нужно не меньше {count} символа.',
    few: 'Слишком коротко: нужно не меньше {count} символов.',
    many: 'Слишком коротко: нужно не меньше {count} символов.',
    other: 'Слишком коротко: нужно не меньше {count} символа.',
  },
  errTooLong: {
    one: 'Слишком длинно: не больше {count} символа.',
    few: 'Слишком длинно: не больше {count} символов.',
    many: 'Слишком длинно: не больше {count} символов.',
    other: 'Слишком длинно: не больше {count} символа.',
  },
  errEmailFormat: 'Введите email в виде name@example.com.',
  errInvalidValue: 'Такое значение не подходит.',
  errFieldProblem: '{field}: {problem}',
  errForbidden: 'У вас нет прав на это действие.',
  errOwnerOnly: 'Это может только владелец группы.',
  errNotFound: 'Этого больше нет.',
  errConflict: 'Это противоречит тому, что уже есть.',
  errServer: 'Сервер не смог это выполнить. Попробуйте через минуту.',
  errSessionEnded: 'Сеанс завершён. Войдите снова.',
  uploadNotImage: '«{name}» — не изображение.',
  uploadCorrupt: '«{name}» не удалось прочитать как изображение.',
  uploadTooBig: '«{name}» слишком большой: много байт или пикселей.',
  uploadUnsupported: '«{name}»: этот формат изображений не поддерживается.',
  uploadNetwork: '«{name}» не загружен: нет связи.',
  notAttached: {
    one: '{count} файл не прикреплён: не больше {max} изображений в сообщении.',
    few: '{count} файла не прикреплены: не больше {max} изображений в сообщении.',
    many: '{count} файлов не прикреплены: не больше {max} изображений в сообщении.',
    other: '{count} файла не прикреплены: не больше {max} изображений в сообщении.',
  },
  notImages: 'Не прикреплены, это не изображения: {names}.',
  removedFromChat: 'Вы больше не участник чата «{title}».',
  chatUnavailable: 'Этот чат недоступен: вы не его участник, или он удалён.',
  backToChats: 'К списку чатов',
  dismiss: 'Закрыть уведомление',
  newMessages: 'Новые сообщения',
  jumpToLatest: 'К последнему сообщению',
  newCount: {
    one: '{count} новое сообщение',
    few: '{count} новых сообщения',
    many: '{count} новых сообщений',
    other: '{count} нового сообщения',
  },
  download: 'Скачать',
  endOtherSessions: 'Завершить все другие сеансы',
  signedInAt: 'вход {time}',
  fromAddress: 'адрес {address}',
  currentSession: 'текущий сеанс',
  otherSessionsEnded: 'Все другие сеансы завершены.',
  noOtherSessions: 'Других сеансов нет.',
  chatActions: 'Действия с чатом «{title}»',
  pin: 'Закрепить',
  unpin: 'Открепить',
  mute: 'Без звука',
  unmute: 'Включить уведомления',
  archiveChat: 'В архив',
  unarchive: 'Вернуть из архива',
  archive: 'Архив',
  archiveList: 'Архив чатов',
  pinned: 'Закреплён',
  muted: 'Без звука',
  chatCount: {
    one: '{count} чат',
    few: '{count} чата',
    many: '{count} чатов',
    other: '{count} чата',
  },
  errPinLimit: 'Закрепить можно не больше 10 чатов. Сначала открепите другой.',
}

export type Lang = 'en' | 'ru'
export const LANGS: { code: Lang; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
]
const dictionaries: Record<Lang, Record<MessageKey, Entry>> = { en, ru }
const pluralRules = { en: new Intl.PluralRules('en'), ru: new Intl.PluralRules('ru') }
const LANG_KEY = 'messenger.lang'

/** The stored choice, else the browser's language, else English. */
export const initialLang = (): Lang => {
  const stored = localStorage.getItem(LANG_KEY)
  if (stored === 'en' || stored === 'ru') return stored
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en'
}

const pick = (lang: Lang, entry: Entry, count: unknown): string => {
  if (typeof entry === 'string') return entry
  const form = pluralRules[lang].select(typeof count === 'number' ? count : 0)
  return (
    (form === 'one' || form === 'few' || form === 'many' ? entry[form] : undefined) ?? entry.other
  )
}

/** `translate('ru', 'membersCount', { count: 5 })` → "5 участников". */
export const translate = (
  lang: Lang,
  key: MessageKey,
  vars: Record<string, string | number> = {},
) =>
  pick(lang, dictionaries[lang][key], vars.count).replace(/\{(\w+)\}/g, (_, name: string) =>
    String(vars[name] ?? ''),
  )

interface I18n {
  lang: Lang
  setLang: (lang: Lang) => void
  t: (key: MessageKey, vars?: Record<string, string | number>) => string
}

const I18nContext = createContext<I18n | null>(null)

export const I18nProvider = ({ children }: { children: ReactNode }) => {
  const [lang, setLangState] = useState<Lang>(initialLang)
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(LANG_KEY, next)
    document.documentElement.lang = next
    setLangState(next)
  }, [])
  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  )
  document.documentElement.lang = lang
  return <I18nContext value={value}>{children}</I18nContext>
}

export const useI18n = () => {
  const ctx = useContext(I18nContext)
  if (!ctx) throw new Error('useI18n outside I18nProvider')
  return ctx
}
