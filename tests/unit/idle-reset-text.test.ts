import { idleReset } from '../../bot/render/messages.pt-BR';

// The idle window is configurable (BOT_IDLE_MINUTES): the text says the configured one, not a fixed "30 minutos".
it.each([
  [30, 'mais de 30 minutos'],
  [5, 'mais de 5 minutos'],
  [1, 'mais de 1 minuto,'],
])('after %i idle minutes the reset says "%s"', (minutes, said) => expect(idleReset(minutes)).toContain(said));
