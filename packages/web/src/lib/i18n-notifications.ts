/** Strings of notifications and the theme, kept apart like the conversation features'. */
export const notificationsEn = {
  theme: 'Theme',
  themeSystem: 'System',
  themeLight: 'Light',
  themeDark: 'Dark',
  notifications: 'Notifications',
  notifyDesktop: 'Show notifications while this tab is in the background',
  notifySound: 'Play a sound for new messages in the background',
  notifyMutedHint: 'Muted chats stay quiet unless someone mentions you as @{login}.',
  notifyDenied:
    'The browser blocks notifications from this site. Allow them in its site settings, then turn them on here.',
  notifyUnsupported: 'This browser cannot show notifications.',
  notifyOffer: 'Get notified about new messages while this tab is in the background.',
  notifyTurnOn: 'Turn on notifications',
  notifyNotNow: 'Not now',
  notifyPhoto: 'Photo',
  notifyGroupBody: '{name}: {text}',
} as const

export const notificationsRu: Record<keyof typeof notificationsEn, string> = {
  theme: 'Тема',
  themeSystem: 'Как в системе',
  themeLight: 'Светлая',
  themeDark: 'Тёмная',
  notifications: 'Уведомления',
  notifyDesktop: 'Показывать уведомления, пока эта вкладка в фоне',
  notifySound: 'Звук при новых сообщениях в фоне',
  notifyMutedHint: 'Чаты без звука молчат, если только вас не упомянули как @{login}.',
  notifyDenied:
    'Браузер запрещает этому сайту уведомления. Разрешите их в настройках сайта и включите здесь.',
  notifyUnsupported: 'Этот браузер не умеет показывать уведомления.',
  notifyOffer: 'Получайте уведомления о новых сообщениях, пока эта вкладка в фоне.',
  notifyTurnOn: 'Включить уведомления',
  notifyNotNow: 'Не сейчас',
  notifyPhoto: 'Фото',
  notifyGroupBody: '{name}: {text}',
}
