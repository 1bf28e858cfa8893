import { Body, Delete, Get, Path, Post, Query, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import type { Problem } from '../http/problems';
import { presentCreatedShare, presentShare, type CreatedShareView, type SharePage } from '../presenters/document-share.presenter';
import { pageRequest } from '../../src/shared/pagination';

export interface CreateShareRequest {
  /** How long the link works, in minutes: 1 to 1440 (24 hours). */
  ttlMinutes: number;
}

@Route('v1/documents/{id}/shares')
@Tags('Documentos')
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(404, 'Documento não encontrado')
export class DocumentsSharesController extends BaseController {
  /**
   * Cria um link de verificação do documento, com QR code, válido por até 24 horas. Quem abre o link vê o tipo, o nome
   * do titular, o número mascarado e a validade, com o aviso de que os dados foram declarados pelo titular. O URL só é
   * mostrado agora: a carteira guarda apenas o hash do token.
   * @summary Criar link de verificação
   */
  @Post()
  @SuccessResponse(201, 'Link criado')
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
  public async revoke(@Path() id: string, @Path() shareId: string): Promise<void> {
    await this.services.documentShares.revoke(this.actor, id, shareId, this.info);
    this.setStatus(204);
  }
}
