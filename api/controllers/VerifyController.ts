import { Readable } from 'node:stream';
import { Get, Path, Produces, Response, Route, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import {
  INTERNAL_ERROR,
  MALFORMED_REQUEST,
  PROBLEM_MEDIA_TYPE,
  SERVICE_UNAVAILABLE,
  TOO_MANY_REQUESTS,
  type Problem,
} from '../http/problems';
import {
  presentVerification,
  renderVerificationErrorPage,
  renderVerificationPage,
  type VerificationView,
} from '../presenters/document-share.presenter';
import { DomainError } from '../../src/shared/errors';

/** JSON for API clients that ask for it; browsers (and anything else) get the HTML page. */
function wantsJson(accept: string | undefined): boolean {
  return /application\/(problem\+)?json/i.test(accept ?? '');
}

/** The verification page must not be cached, indexed, framed or leak its URL through Referer. */
const PRIVATE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Content-Type-Options': 'nosniff',
  Vary: 'Accept',
};

const HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

@Route('v1/verify')
@Tags('Verificação de documentos')
@Produces(PROBLEM_MEDIA_TYPE)
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class VerifyController extends BaseController {
  /**
   * Página pública de um link de verificação: tipo do documento, nome do titular, número mascarado, validade e até
   * quando o link vale, com o aviso de que os dados foram declarados pelo titular e não confirmados pelo órgão emissor.
   * Navegadores recebem HTML; com `Accept: application/json`, JSON. Cada acesso fica registrado (data e endereço).
   * Link expirado ou revogado: 410.
   * @summary Verificar documento
   */
  @Get('{token}')
  @Produces('text/html')
  @Produces('application/json')
  @Response<Problem>(404, 'Link desconhecido (página HTML, ou problema com Accept: application/json)', undefined, [
    'text/html',
    PROBLEM_MEDIA_TYPE,
  ])
  @Response<Problem>(410, 'Link expirado ou revogado (página HTML, ou problema com Accept: application/json)', undefined, [
    'text/html',
    PROBLEM_MEDIA_TYPE,
  ])
  public async verify(@Path() token: string): Promise<VerificationView | Readable> {
    const json = wantsJson(this.context.request.headers.accept);
    for (const [name, value] of Object.entries(PRIVATE_HEADERS)) this.setHeader(name, value);
    try {
      const verification = await this.services.documentShares.verify(token, this.info);
      if (json) return presentVerification(verification);
      return this.html(200, renderVerificationPage(verification));
    } catch (error) {
      if (json || !(error instanceof DomainError)) throw error;
      if (error.code === 'gone') return this.html(410, renderVerificationErrorPage('Link indisponível', error.message));
      if (error.code === 'not-found') return this.html(404, renderVerificationErrorPage('Link não encontrado', error.message));
      throw error;
    }
  }

  private html(status: number, document: string): Readable {
    const body = Buffer.from(document, 'utf8');
    this.setStatus(status);
    this.setHeader('Content-Type', 'text/html; charset=utf-8');
    this.setHeader('Content-Length', String(body.length));
    this.setHeader('Content-Security-Policy', HTML_POLICY);
    return Readable.from([body]);
  }
}
