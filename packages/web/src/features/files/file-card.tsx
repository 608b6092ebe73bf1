import type { FileAttachment } from '@messenger/shared'
import { formatBytes } from '../../lib/format-bytes'
import { useI18n } from '../../lib/i18n'
import { FileIcon } from '../layout/icons'

/** The type as people know it: the extension when there is one, else the MIME subtype. */
const kindOf = (file: FileAttachment) => {
  const dot = file.name.lastIndexOf('.')
  if (dot > 0 && file.name.length - dot <= 6) return file.name.slice(dot + 1).toUpperCase()
  return file.contentType.split('/')[1]?.toUpperCase() ?? ''
}

/**
 * An attached file: name, size and type, and a link that downloads it (the server always answers
 * with `Content-Disposition: attachment`, so it is never opened in the page).
 */
export const FileCard = ({ file }: { file: FileAttachment }) => {
  const { t, lang } = useI18n()
  const size = formatBytes(file.size, lang)
  return (
    <a className="file-card" href={file.url} download={file.name}>
      <span className="file-card-icon" aria-hidden="true">
        <FileIcon />
      </span>
      <span className="file-card-body">
        <span className="file-card-name">{file.name}</span>
        <span className="file-card-meta">
          {size} · {kindOf(file)} · {t('download')}
        </span>
      </span>
    </a>
  )
}
