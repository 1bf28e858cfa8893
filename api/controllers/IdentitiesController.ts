import { Delete, Get, Path, Produces, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentIdentity, type IdentityView } from '../presenters/identity.presenter';
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
import { DomainError } from '../../src/shared/errors';
import { SOCIAL_PROVIDERS, type SocialProvider } from '../../src/accounts/identities.service';

/**
 * Contas Google e Meta vinculadas. Para vincular uma nova, `POST /v1/me/identities/{provider}` devolve
 * `{authorizationUrl}`: abra-a no mesmo navegador; o retorno do provedor conclui o vínculo.
 */
@Route('v1/me/identities')
@Tags('Minha conta')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class IdentitiesController extends BaseController {
  /** @summary Contas Google e Meta vinculadas */
  @Get()
  @Produces('application/json')
  public async list(): Promise<{ items: IdentityView[] }> {
    const identities = await this.services.identities.list(this.actor);
    return { items: identities.map(presentIdentity) };
  }

  /**
   * Desvincula a conta do provedor; o acesso com CPF/e-mail e senha continua funcionando.
   * @summary Desvincular Google ou Meta
   * @param provider `google` ou `meta`
   */
  @Delete('{provider}')
  @SuccessResponse(204, 'Desvinculada')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Nenhuma conta desse provedor vinculada')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async unlink(@Path() provider: string): Promise<void> {
    const known = SOCIAL_PROVIDERS.find((candidate) => candidate === provider);
    if (!known) throw new DomainError('not-found', 'Provedor de acesso desconhecido.');
    await this.services.identities.unlink(this.actor, known satisfies SocialProvider, this.info);
    this.setStatus(204);
  }
}
