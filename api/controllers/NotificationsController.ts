import { Body, Get, Patch, Produces, Response, Route, Security, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
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

/** Os avisos que você escolheu receber. */
export interface NotificationPreferencesView {
  /** Lembretes antes do vencimento de um documento salvo (30, 7 e 1 dia antes, por padrão). */
  expiryReminders: boolean;
  /** Aviso quando uma passagem deixa o saldo de um cartão abaixo deste valor, em centavos; `null`: sem aviso. */
  lowBalanceThresholdCents: number | null;
}

/** Só os campos enviados mudam. */
export interface UpdateNotificationPreferencesRequest {
  /** `true` para receber lembretes de vencimento de documentos, `false` para parar. */
  expiryReminders?: boolean;
  /**
   * Valor em centavos abaixo do qual o saldo de um cartão gera um aviso: um número inteiro de 1 a 100000 (R$ 1.000,00);
   * `null` desliga o aviso.
   */
  lowBalanceThresholdCents?: number | null;
}

/**
 * Avisos: o que o assistente avisa (vencimento de documentos, saldo baixo). Os avisos chegam às conversas em que você
 * disse "ativar avisos" (Teams e outros canais que aceitam mensagens proativas).
 */
@Route('v1/me/notifications')
@Tags('Minha conta')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class NotificationsController extends BaseController {
  /** @summary Meus avisos */
  @Get()
  @Produces('application/json')
  public async get(): Promise<NotificationPreferencesView> {
    return this.services.notices.preferences(this.actor);
  }

  /**
   * Liga ou desliga os lembretes de vencimento e escolhe o limite do aviso de saldo baixo (um aviso a cada vez que o
   * saldo passa para baixo do limite, não um por passagem; uma recarga acima do limite rearma o aviso).
   * @summary Alterar meus avisos
   */
  @Patch()
  @Produces('application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async update(@Body() body: UpdateNotificationPreferencesRequest): Promise<NotificationPreferencesView> {
    return this.services.notices.update(this.actor, body);
  }
}
