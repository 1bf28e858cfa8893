import { Body, Delete, Get, Patch, Post, Produces, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentUser, type UserView } from '../presenters/user.presenter';
import {
  BODY_TOO_LARGE,
  INTERNAL_ERROR,
  MALFORMED_REQUEST,
  MALFORMED_BODY,
  PROBLEM_MEDIA_TYPE,
  SERVICE_UNAVAILABLE,
  TOO_MANY_REQUESTS,
  UNSUPPORTED_BODY,
  type Problem,
} from '../http/problems';

/**
 * Reautenticação que acompanha uma alteração sensível (e-mail, senha, verificação em duas etapas): a senha atual, ou,
 * com a verificação em duas etapas ativa, um código do aplicativo autenticador (ou de recuperação). Sem ela, ou com
 * ela errada, a resposta é 403 `/problems/reauthentication-required`; erros contam como tentativas de acesso falhas.
 */
export interface Reauthentication {
  /**
   * A senha atual da conta.
   * @maxLength 256
   */
  currentPassword?: string;
  /**
   * Com a verificação em duas etapas ativa: um código atual do aplicativo autenticador, ou um código de recuperação.
   * @maxLength 32
   */
  secondFactorCode?: string;
}

export interface UpdateProfileRequest extends Reauthentication {
  /** @maxLength 200 */
  fullName?: string;
  /**
   * Um novo e-mail exige reautenticação (`currentPassword` ou `secondFactorCode`).
   * @maxLength 254
   */
  email?: string;
  /** @maxLength 40 */
  phone?: string;
}

export interface ChangePasswordRequest extends Reauthentication {
  /** @maxLength 256 */
  newPassword: string;
}

@Route('v1/me')
@Tags('Minha conta')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class MeController extends BaseController {
  /** @summary Meu perfil */
  @Get()
  @Produces('application/json')
  public async get(): Promise<UserView> {
    return presentUser(await this.services.accounts.getProfile(this.actor));
  }

  /**
   * Altera nome, e-mail ou telefone. CPF, papel e identificadores não podem ser alterados. Trocar o e-mail exige
   * reautenticação no corpo (`currentPassword`, ou `secondFactorCode` com a verificação em duas etapas ativa); o
   * endereço antigo recebe um aviso com um código de uso único que desfaz a troca
   * (`POST /v1/auth/email-change/undo`).
   * @summary Alterar meu perfil
   */
  @Patch()
  @Produces('application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(403, 'Troca de e-mail sem reautenticação, ou com reautenticação incorreta')
  @Response<Problem>(409, 'E-mail já cadastrado')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  @Response<Problem>(429, 'Muitas tentativas de reautenticação')
  public async update(@Body() body: UpdateProfileRequest): Promise<UserView> {
    const { currentPassword, secondFactorCode, ...patch } = body;
    return presentUser(
      await this.services.accounts.updateProfile(this.actor, patch, { currentPassword, secondFactorCode }, this.info),
    );
  }

  /**
   * Troca a senha, com reautenticação (`currentPassword`, ou `secondFactorCode` com a verificação em duas etapas
   * ativa). Encerra as outras sessões (os tokens de acesso delas deixam de valer na hora) e avisa por e-mail.
   * @summary Trocar senha
   */
  @Post('password')
  @SuccessResponse(204, 'Senha alterada')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(403, 'Reautenticação ausente ou incorreta')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Nova senha fora da política')
  @Response<Problem>(429, 'Muitas tentativas de reautenticação')
  public async changePassword(@Body() body: ChangePasswordRequest): Promise<void> {
    const { newPassword, ...proof } = body;
    await this.services.accounts.changePassword(this.actor, proof, newPassword, this.info);
    this.setStatus(204);
  }

  /**
   * Exclui a conta (LGPD): apaga documentos e arquivos, anonimiza os dados pessoais e encerra as sessões.
   * O histórico financeiro fica apenas com um identificador pseudônimo.
   * @summary Excluir minha conta
   */
  @Delete()
  @SuccessResponse(204, 'Conta excluída')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async erase(): Promise<void> {
    await this.services.accounts.erase(this.actor, this.actor.id, this.info);
    this.setStatus(204);
  }

  /**
   * Todos os meus dados (LGPD): perfil, documentos, cartões e extratos, em JSON.
   * @summary Exportar meus dados
   */
  @Get('export')
  @Produces('application/json')
  public async export(): Promise<Record<string, unknown>> {
    this.setHeader('Content-Disposition', 'attachment; filename="meus-dados-carteira-carioca.json"');
    this.setHeader('Cache-Control', 'no-store');
    return this.services.accounts.exportData(this.actor);
  }
}
