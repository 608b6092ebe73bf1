/** Strings of avatars and attached files (issue #14), kept apart like the conversation features'. */
export const filesEn = {
  fileTooBig: '“{name}” is larger than {limit}, the most a file may be.',
  fileUploadFailed: '“{name}” could not be uploaded.',
  filesNotAttached: {
    one: '{count} file was not attached: at most {max} files per message.',
    other: '{count} files were not attached: at most {max} files per message.',
  },
  attachedFile: 'File',
  profilePhoto: 'Profile photo',
  groupPhoto: 'Group photo',
  choosePhoto: 'Choose photo',
  changePhoto: 'Change photo',
  removePhoto: 'Remove photo',
  cropTitle: 'Choose the square',
  cropHint:
    'Drag the square or move it with the arrow keys (Shift: bigger steps); the slider sets its size.',
  cropArea: 'Square of the photo to keep: arrow keys move it',
  cropSize: 'Size of the square',
  savePhoto: 'Save photo',
  photoSaved: 'Photo saved.',
  photoRemoved: 'Photo removed.',
  photoFailed: 'The photo could not be saved: {reason}',
  photoNotImage: 'This file is not a picture we can use (JPEG, PNG, WebP, GIF, AVIF or TIFF).',
  photoOf: 'Photo of {name}',
} as const

export const filesRu: Record<
  keyof typeof filesEn,
  string | { one: string; few?: string; many?: string; other: string }
> = {
  fileTooBig: '«{name}» больше {limit}, а это предел для файла.',
  fileUploadFailed: 'Не удалось загрузить «{name}».',
  filesNotAttached: {
    one: '{count} файл не прикреплён: не больше {max} файлов в сообщении.',
    few: '{count} файла не прикреплены: не больше {max} файлов в сообщении.',
    many: '{count} файлов не прикреплены: не больше {max} файлов в сообщении.',
    other: '{count} файла не прикреплены: не больше {max} файлов в сообщении.',
  },
  attachedFile: 'Файл',
  profilePhoto: 'Фото профиля',
  groupPhoto: 'Фото группы',
  choosePhoto: 'Выбрать фото',
  changePhoto: 'Сменить фото',
  removePhoto: 'Убрать фото',
  cropTitle: 'Выберите квадрат',
  cropHint:
    'Перетащите квадрат или двигайте его стрелками (с Shift — шагами крупнее); ползунок задаёт размер.',
  cropArea: 'Часть фото, которая останется: стрелки двигают квадрат',
  cropSize: 'Размер квадрата',
  savePhoto: 'Сохранить фото',
  photoSaved: 'Фото сохранено.',
  photoRemoved: 'Фото убрано.',
  photoFailed: 'Не удалось сохранить фото: {reason}',
  photoNotImage: 'Этот файл не подходит как фото (нужен JPEG, PNG, WebP, GIF, AVIF или TIFF).',
  photoOf: 'Фото: {name}',
}
