import type { Tx } from '../db/repository';
import type { Logger } from '../shared/logger';
import type { Mailer } from '../shared/mailer';
import type { PublicLinks } from '../shared/public-links';
import { channelLabel, maskChannelUser } from './channel-key';
import type { ChannelLinkNoticesRepository, ChannelNoticeKind, PendingNotice } from './channel-link-notices.repository';

export type { ChannelNoticeKind } from './channel-link-notices.repository';

/** How long one instance holds a notice it is sending before another may take it (a crashed sender). */
const CLAIM_MINUTES = 5;
/** Notices sent per run; the timer comes back for the rest. */
const BATCH = 50;

function formatWhen(date: Date): string {
  return date.toLocaleString('pt-BR', { timeZone: 'America/Sao_Paulo', dateStyle: 'short', timeStyle: 'short' });
}

/**
 * E-mails that tell a citizen about their channel links: every new link ("was this you?"), and links removed for
 * security. Notices are rows written in the same transaction as the change (an outbox), sent afterwards by
 * {@link ChannelLinkNotices.sendPending} (right after a link, at start-up and on the app's timer, on any instance)
 * and marked sent: a notice is sent once, and a failed send is tried again later.
 */
export class ChannelLinkNotices {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly notices: ChannelLinkNoticesRepository,
    private readonly mailer: Mailer,
    private readonly links: PublicLinks,
    private readonly logger: Logger,
  ) {}

  /** Records a notice inside the caller's transaction; the channel user is kept masked only. */
  async record(
    tx: Tx,
    notice: { userId: string; kind: ChannelNoticeKind; channel: string; channelUserId: string; linkedAt: Date },
  ): Promise<void> {
    const { channelUserId, ...rest } = notice;
    await this.notices.insert(tx, { ...rest, channelUser: maskChannelUser(channelUserId) });
  }

  /** LGPD erasure: the citizen's notices, inside the erasure's transaction. */
  forget(tx: Tx, userId: string): Promise<void> {
    return this.notices.deleteAllOf(tx, userId);
  }

  /**
   * Sends the notices not sent yet (claimed first, so two instances never send the same one) and returns how many went
   * out. Runs of one instance follow each other: when the promise resolves, every run asked for before has finished.
   */
  sendPending(): Promise<number> {
    const run = this.queue.then(() => this.runOnce());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no run of this instance is in progress (before the database closes). */
  async idle(): Promise<void> {
    await this.queue;
  }

  /** Starts a run in the background (after a link, at start-up, on the timer); a failure is logged, the next run retries. */
  kick(): void {
    this.sendPending().catch((error: unknown) => this.logger.warn({ err: error }, 'sending channel link notices failed'));
  }

  private async runOnce(): Promise<number> {
    const claimed = await this.notices.claimPending(BATCH, CLAIM_MINUTES);
    let sent = 0;
    for (const notice of claimed) {
      try {
        await this.mailer.send({ to: notice.email, ...this.message(notice) });
        await this.notices.markSent(notice.id);
        sent += 1;
      } catch (error) {
        // Left claimed: another run takes it again once the claim ends.
        this.logger.warn({ err: error, kind: notice.kind }, 'channel link notice not sent');
      }
    }
    return sent;
  }

  private message(notice: PendingNotice): { subject: string; text: string } {
    const firstName = notice.fullName.split(' ')[0];
    const channel = `${channelLabel(notice.channel)} (${notice.channelUser})`;
    const linkedAt = formatWhen(notice.linkedAt);
    const review = `Para ver e desvincular os canais da sua conta, entre no chat da Prefeitura (${this.links.chat()}) e diga "meus canais".`;
    if (notice.kind === 'linked') {
      return {
        subject: 'Carteira Digital Carioca: um canal foi vinculado à sua conta',
        text:
          `Olá, ${firstName}!\n\n` +
          `O canal ${channel} foi vinculado à sua Carteira Digital Carioca em ${linkedAt}. ` +
          `Quem conversa com a IPlani por ele vê seus cartões e documentos e pode bloquear cartões.\n\n` +
          `Se não foi você, desvincule agora e troque sua senha. ${review}\n\n` +
          `Prefeitura da Cidade do Rio de Janeiro`,
      };
    }
    return {
      subject: 'Carteira Digital Carioca: desvinculamos um canal da sua conta',
      text:
        `Olá, ${firstName}!\n\n` +
        `Por segurança, desvinculamos o canal ${channel}, vinculado à sua Carteira Digital Carioca em ${linkedAt}. ` +
        `Uma falha, já corrigida, permitia que alguém fizesse esse tipo de vinculação se passando pelo canal, e não há ` +
        `como saber se foi você.\n\n` +
        `Se foi você, vincule de novo: gere um código no app e envie "vincular SEU-CÓDIGO" por esse canal. ` +
        `Se não reconhece essa vinculação, confira seus cartões e documentos e troque sua senha. ${review}\n\n` +
        `Prefeitura da Cidade do Rio de Janeiro`,
    };
  }
}
