import { Post, Produces, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
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

export interface LinkCodeView {
  /** 8 caracteres de um alfabeto sem ambiguidades (sem 0/O, 1/I/L). Envie ao bot: `vincular <código>`. */
  code: string;
  /** Validade (10 minutos). */
  expiresAt: string;
}

@Route('v1/bot')
@Tags('Assistente virtual')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class BotController extends BaseController {
  /**
   * Gera um código de uso único para vincular uma conversa (WhatsApp, Teams, Emulator...) à sua conta: diga
   * `vincular <código>` ao bot. Vale 10 minutos; códigos anteriores deixam de valer.
   * @summary Código de vinculação do bot
   */
  @Post('link-codes')
  @SuccessResponse(201, 'Código gerado', 'application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async createLinkCode(): Promise<LinkCodeView> {
    const { code, expiresAt } = await this.services.channelLinks.createCode(this.actor);
    this.setStatus(201);
    this.setHeader('Cache-Control', 'no-store');
    return { code, expiresAt: expiresAt.toISOString() };
  }
}
