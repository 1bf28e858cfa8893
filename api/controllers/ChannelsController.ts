import { Delete, Get, Path, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentChannelLink, type ChannelLinkView } from '../presenters/channel-link.presenter';
import type { Problem } from '../http/problems';

/**
 * Conversas do assistente (WhatsApp, Teams...) vinculadas à sua conta com `vincular <código>`. Quem conversa por um
 * canal vinculado vê seus cartões e documentos: desvincule o que você não reconhecer.
 */
@Route('v1/me/channels')
@Tags('Minha conta')
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
export class ChannelsController extends BaseController {
  /** @summary Canais vinculados */
  @Get()
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
  @Response<Problem>(404, 'Nenhum canal com esse id vinculado à sua conta')
  public async unlink(@Path() id: string): Promise<void> {
    await this.services.channelLinks.unlinkById(this.actor, id, this.info);
    this.setStatus(204);
  }
}
