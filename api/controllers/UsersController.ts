import { Body, Delete, Get, Patch, Path, Produces, Query, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
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
import { pageRequest } from '../../src/shared/pagination';
import type { Reauthentication } from './MeController';

export interface AdminUpdateUserRequest extends Reauthentication {
  /** @maxLength 200 */
  fullName?: string;
  /**
   * Um novo e-mail exige a reautenticação do administrador (`currentPassword` ou `secondFactorCode`).
   * @maxLength 254
   */
  email?: string;
  /** @maxLength 40 */
  phone?: string;
  role?: 'citizen' | 'admin';
  /** `suspended` encerra todas as sessões da conta na hora e impede o acesso até voltar a `active`. */
  status?: 'active' | 'suspended';
}

export interface UserPage {
  items: UserView[];
  nextCursor: string | null;
}

@Route('v1/users')
@Tags('Administração')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt', ['admin'])
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(403, 'Restrito a administradores')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class UsersController extends BaseController {
  /**
   * Lista as contas ativas e suspensas, paginadas (`limit` até 100, `cursor` = `nextCursor` da página anterior).
   * @summary Listar usuários
   * @param q Trecho do nome ou do e-mail.
   */
  @Get()
  @Produces('application/json')
  @Response<Problem>(422, 'Paginação inválida')
  public async list(@Query() limit?: number, @Query() cursor?: string, @Query() q?: string): Promise<UserPage> {
    const page = await this.services.accounts.listUsers(this.actor, pageRequest(limit, cursor), q);
    return { items: page.items.map(presentUser), nextCursor: page.nextCursor };
  }

  /** @summary Ver usuário */
  @Get('{id}')
  @Produces('application/json')
  @Response<Problem>(404, 'Não encontrado')
  public async get(@Path() id: string): Promise<UserView> {
    return presentUser(await this.services.accounts.getUser(this.actor, id));
  }

  /**
   * Altera dados, papel ou situação de uma conta. `status: "suspended"` encerra todas as sessões da conta (os tokens
   * de acesso deixam de valer na hora) e impede o acesso até `status: "active"`. Trocar o e-mail exige a
   * reautenticação do administrador e avisa o endereço antigo, como na troca pelo próprio titular.
   * @summary Alterar usuário (dados, papel ou situação)
   */
  @Patch('{id}')
  @Produces('application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(403, 'Troca de e-mail sem reautenticação do administrador')
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async update(@Path() id: string, @Body() body: AdminUpdateUserRequest): Promise<UserView> {
    const { currentPassword, secondFactorCode, ...patch } = body;
    return presentUser(
      await this.services.accounts.updateUser(this.actor, id, patch, { currentPassword, secondFactorCode }, this.info),
    );
  }

  /** Exclui a conta como no pedido do próprio titular (LGPD). @summary Excluir usuário */
  @Delete('{id}')
  @SuccessResponse(204, 'Conta excluída')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async erase(@Path() id: string): Promise<void> {
    await this.services.accounts.erase(this.actor, id, this.info);
    this.setStatus(204);
  }
}
