import type { Mailer } from '../shared/mailer';
import type { PublicLinks } from '../shared/public-links';

const SIGNATURE = '\n\nPrefeitura da Cidade do Rio de Janeiro';
const NOT_YOU =
  'Se não foi você, alguém pode estar usando a sua conta: redefina a sua senha em "Esqueci minha senha" e fale com a central 1746.';

/**
 * The e-mails that tell a citizen about a sensitive change to the account (e-mail, password, second factor), so a
 * change made by someone else does not go unnoticed. Best effort: the change is already committed, and a mail server
 * failure (logged by the mailer) must not turn it into an error.
 */
export class AccountNotices {
  constructor(
    private readonly mailer: Mailer,
    private readonly links: PublicLinks,
  ) {}

  /** To the address being replaced: the change, the new address masked, and the one-time code that undoes it. */
  async emailChanged(to: string, fullName: string, newEmail: string, undoCode: string, validHours: number): Promise<void> {
    const link = this.links.undoEmail(undoCode);
    await this.send(
      to,
      'Carteira Digital Carioca: o e-mail da sua conta foi alterado',
      `Olá, ${firstName(fullName)}!\n\n` +
        `O e-mail da sua Carteira Digital Carioca foi trocado de ${to} para ${maskEmail(newEmail)}.\n\n` +
        `Se não foi você, desfaça a troca em até ${validHours} horas pelo link abaixo (ou com o código). ` +
        `Isso devolve este endereço à conta e encerra todas as sessões abertas; depois, redefina a sua senha.\n\n` +
        `Link: ${link}\nCódigo: ${undoCode}\n\nSe foi você, nada a fazer.`,
    );
  }

  async passwordChanged(to: string, fullName: string): Promise<void> {
    await this.send(
      to,
      'Carteira Digital Carioca: sua senha foi alterada',
      `Olá, ${firstName(fullName)}!\n\nA senha da sua Carteira Digital Carioca acaba de ser alterada. ` +
        `As outras sessões abertas foram encerradas.\n\n${NOT_YOU}`,
    );
  }

  async secondFactorChanged(to: string, fullName: string, enabled: boolean): Promise<void> {
    await this.send(
      to,
      enabled
        ? 'Carteira Digital Carioca: verificação em duas etapas ativada'
        : 'Carteira Digital Carioca: verificação em duas etapas desativada',
      `Olá, ${firstName(fullName)}!\n\nA verificação em duas etapas da sua Carteira Digital Carioca foi ` +
        `${enabled ? 'ativada: a partir de agora, o acesso pede também o código do aplicativo autenticador' : 'desativada: o acesso volta a pedir só a senha'}.\n\n${NOT_YOU}`,
    );
  }

  private async send(to: string, subject: string, text: string): Promise<void> {
    try {
      await this.mailer.send({ to, subject, text: text + SIGNATURE });
    } catch {
      // Logged by the mailer; the change it reports stands.
    }
  }
}

function firstName(fullName: string): string {
  return fullName.split(' ')[0];
}

/** `maria.souza@example.com` -> `m***a@example.com`: enough to recognise it, not to learn someone else's address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const masked = local.length <= 2 ? `${local[0] ?? ''}***` : `${local[0]}***${local[local.length - 1]}`;
  return `${masked}${email.slice(at)}`;
}
