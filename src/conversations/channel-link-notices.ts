import type { EntityManager } from '../db/orm';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { Mailer } from '../shared/mailer';
import { channelLabel, maskChannelUser } from './channel-key';

/** `linked`: a channel account was linked to the citizen. `removed`: a link was removed for security (a migration). */
export type ChannelNoticeKind = 'linked' | 'removed';

/** How long one instance holds a notice it is sending before another may take it (a crashed sender). */
const CLAIM_MINUTES = 5;
/** Notices sent per run; the timer comes back for the rest. */
const BATCH = 50;

function formatWhen(date: Date): string {
  return date.toLocaleString('pt-BR', { timeZone: 'America/Sao_Paulo', dateStyle: 'short', timeStyle: 'short' });
}

interface PendingNotice {
  id: string;
  kind: ChannelNoticeKind;
  channel: string;
  channel_user: string;
  linked_at: Date | string;
  email: string;
  full_name: string;
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
    private readonly em: EntityManager,
    private readonly mailer: Mailer,
    private readonly publicBaseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Records a notice inside the caller's transaction; the channel user is kept masked only. */
  async record(
    em: EntityManager,
    notice: { userId: string; kind: ChannelNoticeKind; channel: string; channelUserId: string; linkedAt: Date },
  ): Promise<void> {
    await em.execute(
      `insert into channel_link_notices (id, user_id, kind, channel, channel_user, linked_at) values (?, ?, ?, ?, ?, ?)`,
      [newId(), notice.userId, notice.kind, notice.channel, maskChannelUser(notice.channelUserId), notice.linkedAt],
    );
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
    const connection = this.em.getConnection();
    const claimed = await connection.execute<PendingNotice[]>(
      `with picked as (
         select n.id from channel_link_notices n join users u on u.id = n.user_id
          where n.sent_at is null and (n.claimed_until is null or n.claimed_until < now()) and u.email is not null
          order by n.created_at limit ? for update of n skip locked)
       update channel_link_notices n set claimed_until = now() + make_interval(mins => ?)
         from picked, users u
        where n.id = picked.id and u.id = n.user_id
        returning n.id, n.kind, n.channel, n.channel_user, n.linked_at, u.email, u.full_name`,
      [BATCH, CLAIM_MINUTES],
    );
    let sent = 0;
    for (const notice of claimed) {
      try {
        await this.mailer.send({ to: notice.email, ...this.message(notice) });
        await connection.execute('update channel_link_notices set sent_at = now() where id = ?', [notice.id]);
        sent += 1;
      } catch (error) {
        // Left claimed: another run takes it again once the claim ends.
        this.logger.warn({ err: error, kind: notice.kind }, 'channel link notice not sent');
      }
    }
    return sent;
  }

  private message(notice: PendingNotice): { subject: string; text: string } {
    const firstName = notice.full_name.split(' ')[0];
    const channel = `${channelLabel(notice.channel)} (${notice.channel_user})`;
    const linkedAt = formatWhen(new Date(notice.linked_at));
    const review = `Para ver e desvincular os canais da sua conta, entre no chat da Prefeitura (${this.publicBaseUrl}/chat) e diga "meus canais".`;
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
