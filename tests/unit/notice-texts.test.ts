import { expiryRemindersOn } from '../../bot/render/notices.pt-BR';

/** The chat's answer to turning expiry reminders on names the configured days (NOTIFY_EXPIRY_REMINDER_DAYS). */
describe('expiryRemindersOn', () => {
  it.each([
    [[30, 7, 1], 'Vou lembrar você 30, 7 e 1 dia antes de um documento salvo vencer,'],
    [[60, 15], 'Vou lembrar você 60 e 15 dias antes de um documento salvo vencer,'],
    [[3], 'Vou lembrar você 3 dias antes de um documento salvo vencer,'],
    [[1], 'Vou lembrar você 1 dia antes de um documento salvo vencer,'],
    [[7, 0], 'Vou lembrar você 7 dias antes de um documento salvo vencer e no próprio dia do vencimento,'],
    [[0], 'Vou lembrar você no dia em que um documento salvo vencer,'],
  ])('%j', (days, expected) => {
    expect(expiryRemindersOn(days)).toBe(`Pronto! ${expected} nas conversas com avisos ativados.`);
  });
});
