import { ConfigError, loadConfig } from '../../src/config';

describe('NOTIFY_EXPIRY_REMINDER_CRON and NOTIFY_EXPIRY_REMINDER_DAYS (the expiry-reminder job)', () => {
  it('defaults to every day at 12:00 UTC, 30, 7 and 1 days before', () => {
    expect(loadConfig({}).notices).toEqual({ expiryReminderCron: '0 12 * * *', expiryReminderDays: [30, 7, 1] });
  });

  it('takes a five-field cron expression and distinct day counts, largest first', () => {
    const notices = loadConfig({ NOTIFY_EXPIRY_REMINDER_CRON: '30  8 * * 1-5', NOTIFY_EXPIRY_REMINDER_DAYS: '1, 15,60' }).notices;
    expect(notices).toEqual({ expiryReminderCron: '30 8 * * 1-5', expiryReminderDays: [60, 15, 1] });
  });

  it.each(['daily', '0 12 * *', '0 12 * * * *', '0 12 ? * *'])('refuses the cron %p, naming the variable', (value) => {
    expect(() => loadConfig({ NOTIFY_EXPIRY_REMINDER_CRON: value })).toThrow(ConfigError);
    expect(() => loadConfig({ NOTIFY_EXPIRY_REMINDER_CRON: value })).toThrow(/NOTIFY_EXPIRY_REMINDER_CRON/);
  });

  it.each(['30,30', '30,-1', '7,x', '400', '1.5'])('refuses the days %p, naming the variable', (value) => {
    expect(() => loadConfig({ NOTIFY_EXPIRY_REMINDER_DAYS: value })).toThrow(/NOTIFY_EXPIRY_REMINDER_DAYS/);
  });
});
