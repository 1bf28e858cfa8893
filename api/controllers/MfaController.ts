import { Body, Get, Post, Produces, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
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
import {
  presentEnrolment,
  presentMfaStatus,
  type MfaStatusView,
  type RecoveryCodesView,
  type TotpEnrolmentView,
} from '../presenters/mfa.presenter';

export interface ActivateTotpRequest {
  /**
   * O código de 6 dígitos mostrado agora pelo aplicativo autenticador.
   * @maxLength 32
   * @example "123456"
   */
  code: string;
  /**
   * Reautenticação: a senha atual da conta. Sem ela, 403 `/problems/reauthentication-required`.
   * @maxLength 256
   */
  currentPassword?: string;
}

export interface DisableTotpRequest {
  /**
   * Reautenticação, parte 1: a senha atual da conta.
   * @maxLength 256
   */
  currentPassword?: string;
  /**
   * Reautenticação, parte 2: um código atual do aplicativo autenticador, ou um código de recuperação não usado.
   * @maxLength 32
   */
  secondFactorCode?: string;
}

@Route('v1/auth/mfa')
@Tags('Verificação em duas etapas')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class MfaController extends BaseController {
  /** @summary Situação da verificação em duas etapas */
  @Get()
  @Produces('application/json')
  public async status(): Promise<MfaStatusView> {
    return presentMfaStatus(await this.services.mfa.status(this.actor));
  }

  /**
   * Gera um novo segredo TOTP (RFC 6238) e o código QR para o aplicativo autenticador. A verificação só passa a valer
   * depois da ativação com um código gerado pelo aplicativo. O segredo é mostrado apenas nesta resposta.
   * @summary Iniciar a configuração do aplicativo autenticador
   */
  @Post('totp')
  @SuccessResponse(201, 'Segredo gerado', 'application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(409, 'A verificação em duas etapas já está ativa')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async startTotp(): Promise<TotpEnrolmentView> {
    const enrolment = await this.services.mfa.startEnrolment(this.actor);
    this.setStatus(201);
    this.setHeader('Cache-Control', 'no-store');
    return presentEnrolment(enrolment);
  }

  /**
   * Ativa a verificação em duas etapas com um código do aplicativo e devolve 10 códigos de recuperação, de uso único,
   * mostrados apenas desta vez. Exige reautenticação: `currentPassword` no corpo (senha errada conta como tentativa
   * de acesso falha). O titular recebe um aviso por e-mail.
   * @summary Ativar a verificação em duas etapas
   */
  @Post('totp/activate')
  @Produces('application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(403, 'Reautenticação ausente ou incorreta (`/problems/reauthentication-required`)')
  @Response<Problem>(409, 'Nenhuma configuração em andamento, ou já ativa')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Código inválido')
  @Response<Problem>(429, 'Muitas tentativas')
  public async activateTotp(@Body() body: ActivateTotpRequest): Promise<RecoveryCodesView> {
    const recoveryCodes = await this.services.mfa.activate(this.actor, body.code, body, this.info);
    this.setHeader('Cache-Control', 'no-store');
    return { recoveryCodes };
  }

  /**
   * Desativa a verificação em duas etapas. Exige reautenticação completa: a senha (`currentPassword`) e um código
   * atual ou de recuperação (`secondFactorCode`); erros contam como tentativas de acesso falhas. O titular recebe um
   * aviso por e-mail.
   * @summary Desativar a verificação em duas etapas
   */
  @Post('totp/disable')
  @SuccessResponse(204, 'Verificação em duas etapas desativada')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(403, 'Reautenticação ausente ou incorreta (`/problems/reauthentication-required`)')
  @Response<Problem>(409, 'A verificação em duas etapas não está ativa')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Código ou senha inválidos')
  @Response<Problem>(429, 'Muitas tentativas')
  public async disableTotp(@Body() body: DisableTotpRequest): Promise<void> {
    await this.services.mfa.disable(this.actor, body, this.info);
    this.setStatus(204);
  }
}
