/** A short two-note chime made with WebAudio: nothing to download, nothing to cache. */

let context: AudioContext | null = null
let lastPlayed = 0
/** At most one chime in this long, however many messages arrive at once. */
const GAP_MS = 1500

const audio = (): AudioContext | null => {
  if (context) return context
  if (typeof window.AudioContext !== 'function') return null
  context = new AudioContext()
  return context
}

/**
 * Browsers start audio only after the person has interacted with the page: a click or a key
 * anywhere makes the context ready for later, when the tab is in the background.
 */
export const unlockAudioOnGesture = () => {
  const stop = () => {
    window.removeEventListener('pointerdown', unlock)
    window.removeEventListener('keydown', unlock)
  }
  const unlock = () => {
    stop()
    void audio()
      ?.resume()
      .catch(() => undefined)
  }
  window.addEventListener('pointerdown', unlock)
  window.addEventListener('keydown', unlock)
  return stop
}

export const playChime = () => {
  const now = Date.now()
  if (now - lastPlayed < GAP_MS) return
  lastPlayed = now
  const ctx = audio()
  if (!ctx) return
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined)
  const start = ctx.currentTime + 0.02
  for (const [i, frequency] of [880, 1320].entries()) {
    const at = start + i * 0.12
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.type = 'sine'
    osc.frequency.value = frequency
    gain.gain.setValueAtTime(0.0001, at)
    gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25)
    osc.connect(gain).connect(ctx.destination)
    osc.start(at)
    osc.stop(at + 0.3)
  }
}
