import { Body, Delete, Get, Patch, Post, Produces, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentUser, type UserView } from '../presenters/user.presenter';
import {
  BODY_TOO_LARGE,
  INTERNAL_ERROR,
  MALFORMED_BODY,
  PROBLEM_MEDIA_TYPE,
  SERVICE_UNAVAILABLE,
  TOO_MANY_REQUESTS,
  UNSUPPORTED_BODY,
  type Problem,
} from '../http/problems';

export interface UpdateProfileRequest {
  fullName?: string;
  email?: string;
  phone?: string;
}

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

@Route('v1/me')
@Tags('Minha conta')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
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
   * Altera nome, e-mail ou telefone. CPF, papel e identificadores não podem ser alterados.
   * @summary Alterar meu perfil
   */
  @Patch()
  @Produces('application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(409, 'E-mail já cadastrado')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async update(@Body() body: UpdateProfileRequest): Promise<UserView> {
    return presentUser(await this.services.accounts.updateProfile(this.actor, body, this.info));
  }

  /**
   * Troca a senha (exige a atual) e encerra as outras sessões.
   * @summary Trocar senha
   */
  @Post('password')
  @SuccessResponse(204, 'Senha alterada')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Senha atual incorreta ou nova senha fora da política')
  public async changePassword(@Body() body: ChangePasswordRequest): Promise<void> {
    await this.services.accounts.changePassword(this.actor, body.currentPassword, body.newPassword, this.info);
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
