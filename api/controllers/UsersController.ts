import { Body, Delete, Get, Patch, Path, Query, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentUser, type UserView } from '../presenters/user.presenter';
import type { Problem } from '../http/problems';
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
@Security('jwt', ['admin'])
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(403, 'Restrito a administradores')
export class UsersController extends BaseController {
  /**
   * Lista as contas ativas e suspensas, paginadas (`limit` até 100, `cursor` = `nextCursor` da página anterior).
   * @summary Listar usuários
   * @param q Trecho do nome ou do e-mail.
   */
  @Get()
  public async list(@Query() limit?: number, @Query() cursor?: string, @Query() q?: string): Promise<UserPage> {
    const page = await this.services.accounts.listUsers(this.actor, pageRequest(limit, cursor), q);
    return { items: page.items.map(presentUser), nextCursor: page.nextCursor };
  }

  /** @summary Ver usuário */
  @Get('{id}')
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
  @Response<Problem>(403, 'Troca de e-mail sem reautenticação do administrador')
  @Response<Problem>(404, 'Não encontrado')
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
  @Response<Problem>(404, 'Não encontrado')
  public async erase(@Path() id: string): Promise<void> {
    await this.services.accounts.erase(this.actor, id, this.info);
    this.setStatus(204);
  }
}
