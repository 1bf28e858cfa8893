import { Delete, Get, Path, Produces, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentChannelLink, type ChannelLinkView } from '../presenters/channel-link.presenter';
import {
  BODY_TOO_LARGE,
  INTERNAL_ERROR,
  MALFORMED_BODY,
  MALFORMED_REQUEST,
  PROBLEM_MEDIA_TYPE,
  SERVICE_UNAVAILABLE,
  TOO_MANY_REQUESTS,
  UNSUPPORTED_BODY,
  type Problem,
} from '../http/problems';

/**
 * Conversas do assistente (WhatsApp, Teams...) vinculadas à sua conta com `vincular <código>`. Quem conversa por um
 * canal vinculado vê seus cartões e documentos: desvincule o que você não reconhecer.
 */
@Route('v1/me/channels')
@Tags('Minha conta')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class ChannelsController extends BaseController {
  /** @summary Canais vinculados */
  @Get()
  @Produces('application/json')
  public async list(): Promise<{ items: ChannelLinkView[] }> {
    const links = await this.services.channelLinks.list(this.actor);
    return { items: links.map(presentChannelLink) };
  }

  /**
   * Desvincula o canal: a conversa deixa de ver sua conta e de receber avisos; para vincular de novo, gere outro código.
   * @summary Desvincular um canal
   * @param id O `id` de um item de `GET /v1/me/channels`
   */
  @Delete('{id}')
  @SuccessResponse(204, 'Desvinculado')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(404, 'Nenhum canal com esse id vinculado à sua conta')
  public async unlink(@Path() id: string): Promise<void> {
    await this.services.channelLinks.unlinkById(this.actor, id, this.info);
    this.setStatus(204);
  }
}
