import { Body, Delete, Get, Path, Post, Produces, Query, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
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
import { presentCreatedShare, presentShare, type CreatedShareView, type SharePage } from '../presenters/document-share.presenter';
import { pageRequest } from '../../src/shared/pagination';

export interface CreateShareRequest {
  /** How long the link works, in minutes: 1 to 1440 (24 hours). */
  ttlMinutes: number;
}

@Route('v1/documents/{id}/shares')
@Tags('Documentos')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(404, 'Documento não encontrado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class DocumentsSharesController extends BaseController {
  /**
   * Cria um link de verificação do documento, com QR code, válido por até 24 horas. Quem abre o link vê o tipo, o nome
   * do titular, o número mascarado e a validade, com o aviso de que os dados foram declarados pelo titular. O URL só é
   * mostrado agora: a carteira guarda apenas o hash do token.
   * @summary Criar link de verificação
   */
  @Post()
  @SuccessResponse(201, 'Link criado', 'application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'ttlMinutes fora de 1 a 1440')
  public async create(@Path() id: string, @Body() body: CreateShareRequest): Promise<CreatedShareView> {
    const created = await this.services.documentShares.create(this.actor, id, body.ttlMinutes, this.info);
    this.setStatus(201);
    this.setHeader('Cache-Control', 'no-store');
    return presentCreatedShare(created);
  }

  /**
   * Os links de verificação do documento, do mais novo ao mais antigo, cada um com os acessos (data e endereço).
   * @summary Listar links de verificação
   */
  @Get()
  @Produces('application/json')
  @Response<Problem>(422, 'Paginação inválida')
  public async list(@Path() id: string, @Query() limit?: number, @Query() cursor?: string): Promise<SharePage> {
    const page = await this.services.documentShares.list(this.actor, id, pageRequest(limit, cursor));
    return { items: page.items.map(presentShare), nextCursor: page.nextCursor };
  }

  /**
   * Revoga o link na hora: quem abrir depois recebe 410.
   * @summary Revogar link de verificação
   */
  @Delete('{shareId}')
  @SuccessResponse(204, 'Link revogado')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async revoke(@Path() id: string, @Path() shareId: string): Promise<void> {
    await this.services.documentShares.revoke(this.actor, id, shareId, this.info);
    this.setStatus(204);
  }
}
