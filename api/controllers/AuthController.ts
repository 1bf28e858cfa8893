import { Body, Consumes, Post, Produces, Res, Response, Route, SuccessResponse, Tags, type TsoaResponse } from '@tsoa/runtime';
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
import { oauthFailureFor, type OAuthFailure } from '../http/oauth-errors';
import type { TokenResponse } from '../../src/accounts/sessions.service';

export interface RegisterRequest {
  /**
   * Nome completo (nome e sobrenome).
   * @maxLength 200
   * @example "Maria da Silva"
   */
  fullName: string;
  /**
   * @maxLength 254
   * @example "maria@example.com"
   */
  email: string;
  /**
   * CPF com ou sem pontuação.
   * @maxLength 20
   * @example "529.982.247-25"
   */
  cpf: string;
  /**
   * Data de nascimento (AAAA-MM-DD).
   * @maxLength 20
   * @example "1990-05-17"
   */
  birthDate: string;
  /**
   * Telefone com DDD.
   * @maxLength 40
   * @example "(21) 99876-5432"
   */
  phone: string;
  /**
   * De 8 a 128 caracteres; não pode ser uma senha comum nem conter o CPF ou a data de nascimento.
   * @maxLength 256
   */
  password: string;
  /**
   * Conclui um primeiro acesso com Google ou Meta.
   * @maxLength 512
   */
  signupTicket?: string;
}

/**
 * OAuth 2.0 token request, as JSON or application/x-www-form-urlencoded. Other standard OAuth parameters sent by
 * clients such as Swagger UI (`scope`, `client_id`, `client_secret`) are accepted and ignored.
 */
export interface TokenRequest {
  /**
   * `password` ou `refresh_token`
   * @maxLength 64
   */
  grant_type?: string;
  /**
   * CPF ou e-mail (grant_type=password).
   * @maxLength 254
   */
  username?: string;
  /** @maxLength 256 */
  password?: string;
  /**
   * Código do aplicativo autenticador, quando a verificação em duas etapas está ativa.
   * @maxLength 32
   */
  otp?: string;
  /**
   * grant_type=refresh_token
   * @maxLength 256
   */
  refresh_token?: string;
  /** @maxLength 1024 */
  scope?: string;
  /** @maxLength 256 */
  client_id?: string;
  /** @maxLength 256 */
  client_secret?: string;
}

/** OAuth 2.0 error (RFC 6749 §5.2). */
export interface OAuthErrorBody {
  error: string;
  error_description: string;
}

export interface RevokeRequest {
  /**
   * O refresh token da sessão a encerrar.
   * @maxLength 256
   */
  token: string;
}

export interface ForgotPasswordRequest {
  /**
   * CPF ou e-mail da conta.
   * @maxLength 254
   */
  login: string;
}

export interface ResetPasswordRequest {
  /**
   * O código recebido por e-mail.
   * @maxLength 256
   */
  token: string;
  /** @maxLength 256 */
  newPassword: string;
}

export interface UndoEmailChangeRequest {
  /**
   * O código recebido no endereço antigo, no aviso da troca de e-mail.
   * @maxLength 256
   */
  token: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

@Route('v1/auth')
@Tags('Autenticação')
@Produces(PROBLEM_MEDIA_TYPE)
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class AuthController extends BaseController {
  /**
   * Cria a conta de um cidadão e emite o seu primeiro cartão de transporte.
   * @summary Cadastro
   */
  @Post('register')
  @SuccessResponse(201, 'Conta criada', 'application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(409, 'CPF ou e-mail já cadastrado')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async register(@Body() body: RegisterRequest): Promise<UserView> {
    const user = await this.services.accounts.register(body, this.info);
    this.setStatus(201);
    this.setHeader('Location', '/v1/me');
    return presentUser(user);
  }

  /**
   * Emite tokens (OAuth 2.0): `grant_type=password` com CPF ou e-mail e senha (e `otp` com verificação em duas etapas),
   * ou `grant_type=refresh_token`. O corpo é um formulário (`application/x-www-form-urlencoded`, como manda a RFC 6749
   * e como envia o "Authorize" do Swagger UI) ou JSON com os mesmos campos. Erros no formato OAuth 2.0 (`error`,
   * `error_description`).
   * @summary Entrar / renovar sessão
   * @param oauthError Erro OAuth 2.0 em `application/json`: 400 para credenciais inválidas, `grant_type` ausente ou
   * desconhecido, ou código de verificação necessário (`mfa_required`); 429 (`slow_down`, com Retry-After) para muitas
   * tentativas neste login; 400 (`invalid_request`) também para corpo malformado, grande demais ou de outro tipo de
   * conteúdo (RFC 6749 §5.2). Em `application/problem+json`: 429 para muitas requisições deste endereço.
   */
  @Post('token')
  @Consumes('application/x-www-form-urlencoded')
  @Produces('application/json')
  @Response<Problem>(422, 'Parâmetro desconhecido ou que não é texto')
  public async token(
    @Body() body: TokenRequest,
    // The Content-Type literal is what tells tsoa these answers are application/json, not the class's problem+json.
    @Res()
    oauthError: TsoaResponse<
      400 | 429,
      OAuthErrorBody,
      { 'Content-Type': 'application/json'; 'Retry-After'?: string; 'Cache-Control': string }
    >,
  ): Promise<TokenResponse> {
    this.setHeader('Cache-Control', 'no-store');
    this.setHeader('Pragma', 'no-cache');
    const refuse = (failure: OAuthFailure): TokenResponse => {
      const headers = {
        'Content-Type': 'application/json' as const,
        'Cache-Control': 'no-store',
        ...(failure.retryAfterSeconds ? { 'Retry-After': String(Math.ceil(failure.retryAfterSeconds)) } : {}),
      };
      return oauthError(
        failure.status,
        { error: failure.error, error_description: failure.description },
        headers,
      ) as TokenResponse;
    };
    const grant = text(body.grant_type);
    try {
      if (grant === 'password') {
        const username = text(body.username);
        const password = text(body.password);
        if (!username || !password) {
          return refuse({ status: 400, error: 'invalid_request', description: 'Informe username (CPF ou e-mail) e password.' });
        }
        return await this.services.sessions.passwordGrant(username, password, text(body.otp), this.info);
      }
      if (grant === 'refresh_token') {
        const refreshToken = text(body.refresh_token);
        if (!refreshToken) return refuse({ status: 400, error: 'invalid_request', description: 'Informe refresh_token.' });
        return await this.services.sessions.refreshGrant(refreshToken, this.info);
      }
    } catch (error) {
      const failure = oauthFailureFor(error);
      if (!failure) throw error;
      return refuse(failure);
    }
    return refuse({
      status: 400,
      error: grant ? 'unsupported_grant_type' : 'invalid_request',
      description: 'Use grant_type=password ou grant_type=refresh_token.',
    });
  }

  /**
   * Encerra a sessão do refresh token informado (logout). Responde 204 mesmo para tokens desconhecidos (RFC 7009).
   * @summary Sair
   */
  @Post('revoke')
  @SuccessResponse(204, 'Sessão encerrada')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async revoke(@Body() body: RevokeRequest): Promise<void> {
    await this.services.sessions.revoke(body.token, this.info);
    this.setStatus(204);
  }

  /**
   * Envia por e-mail um código para redefinir a senha, se a conta existir. Responde 202 sempre.
   * @summary Esqueci minha senha
   */
  @Post('password/forgot')
  @SuccessResponse(202, 'Pedido recebido')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  @Response<Problem>(429, 'Muitos pedidos')
  public async forgotPassword(@Body() body: ForgotPasswordRequest): Promise<void> {
    await this.services.sessions.forgotPassword(body.login, this.info);
    this.setStatus(202);
  }

  /**
   * Define uma nova senha com o código recebido por e-mail; encerra todas as sessões.
   * @summary Redefinir senha
   */
  @Post('password/reset')
  @SuccessResponse(204, 'Senha redefinida')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Código inválido ou expirado, ou senha fora da política')
  public async resetPassword(@Body() body: ResetPasswordRequest): Promise<void> {
    await this.services.sessions.resetPassword(body.token, body.newPassword, this.info);
    this.setStatus(204);
  }

  /**
   * Desfaz uma troca de e-mail com o código de uso único enviado ao endereço antigo (válido por
   * `EMAIL_CHANGE_UNDO_TTL_HOURS`, 72 horas por padrão): o e-mail antigo volta para a conta, todas as sessões são
   * encerradas (inclusive a de quem fez a troca) e links de redefinição de senha pendentes deixam de valer. Em seguida,
   * redefina a senha por "Esqueci minha senha". Não exige token de acesso: o código é a prova.
   * @summary Desfazer a troca de e-mail
   */
  @Post('email-change/undo')
  @SuccessResponse(204, 'E-mail antigo restaurado e sessões encerradas')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(409, 'O e-mail antigo já pertence a outra conta')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Código inválido, expirado ou já utilizado')
  public async undoEmailChange(@Body() body: UndoEmailChangeRequest): Promise<void> {
    await this.services.accounts.undoEmailChange(body.token, this.info);
    this.setStatus(204);
  }
}
