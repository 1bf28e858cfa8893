import { Readable } from 'node:stream';
import {
  Body,
  Delete,
  Get,
  Patch,
  Path,
  Post,
  Produces,
  Put,
  Query,
  Response,
  Route,
  Security,
  SuccessResponse,
  Tags,
} from '@tsoa/runtime';
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
import { contentDisposition, presentDocument, type DocumentPage, type DocumentView } from '../presenters/document.presenter';
import { pageRequest } from '../../src/shared/pagination';
import { readMultipartFile } from '../../http/multipart';
import { documentFileRules } from '../../src/documents/uploaded-file';

export interface CreateDocumentRequest {
  /** Type code from `GET /v1/document-types`, e.g. `cnh`. */
  type: string;
  /** The number as printed; punctuation and spaces are removed and it is checked with the type's rule. */
  number: string;
  /** The document's name; required for type `outro`. */
  label?: string | null;
  /** Issuing body, e.g. "DETRAN-RJ". */
  issuer?: string | null;
  /** UF of the issuing body; selects the number rule for RG. */
  issuerState?: string | null;
  /** YYYY-MM-DD, not in the future. */
  issuedAt?: string | null;
  /** YYYY-MM-DD; required for CNH and passport. */
  expiresAt?: string | null;
}

/** Absent fields are kept; `null` clears an optional one. The result is validated like a new document. */
export interface UpdateDocumentRequest {
  type?: string;
  number?: string;
  label?: string | null;
  issuer?: string | null;
  issuerState?: string | null;
  issuedAt?: string | null;
  expiresAt?: string | null;
}

@Route('v1/documents')
@Tags('Documentos')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class DocumentsController extends BaseController {
  /**
   * Meus documentos, do mais antigo ao mais novo, paginados (`limit` até 100, `cursor` = `nextCursor` da página anterior).
   * @summary Listar meus documentos
   * @param type Só documentos deste tipo (código de `GET /v1/document-types`).
   * @param status `valid`, `expiring` (vence em até 30 dias, contando hoje) ou `expired` (vencido), no horário do Rio.
   */
  @Get()
  @Produces('application/json')
  @Response<Problem>(422, 'Filtro ou paginação inválidos')
  public async list(
    @Query() type?: string,
    @Query() status?: string,
    @Query() limit?: number,
    @Query() cursor?: string,
  ): Promise<DocumentPage> {
    const page = await this.services.documents.list(this.actor, { type, status }, pageRequest(limit, cursor));
    return { items: page.items.map(presentDocument), nextCursor: page.nextCursor };
  }

  /**
   * Guarda um documento. O número é validado pela regra do tipo; CNH e passaporte exigem `expiresAt`; o tipo `outro`
   * exige `label`. Cada cidadão guarda até 50 documentos (409 `/problems/quota-exceeded`).
   * @summary Guardar documento
   */
  @Post()
  @SuccessResponse(201, 'Documento guardado', 'application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(409, 'Documento já guardado (mesmo tipo e número) ou limite de documentos atingido')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async create(@Body() body: CreateDocumentRequest): Promise<DocumentView> {
    const details = await this.services.documents.create(this.actor, body, this.info);
    this.setStatus(201);
    this.setHeader('Location', `/v1/documents/${details.document.id}`);
    return presentDocument(details);
  }

  /** @summary Ver documento */
  @Get('{id}')
  @Produces('application/json')
  @Response<Problem>(404, 'Não encontrado')
  public async get(@Path() id: string): Promise<DocumentView> {
    return presentDocument(await this.services.documents.get(this.actor, id));
  }

  /**
   * Altera um documento; o resultado é validado como um documento novo.
   * @summary Alterar documento
   */
  @Patch('{id}')
  @Produces('application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(409, 'Documento já guardado (mesmo tipo e número)')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async update(@Path() id: string, @Body() body: UpdateDocumentRequest): Promise<DocumentView> {
    return presentDocument(await this.services.documents.update(this.actor, id, body, this.info));
  }

  /**
   * Exclui o documento, o arquivo e os links de verificação dele.
   * @summary Excluir documento
   */
  @Delete('{id}')
  @SuccessResponse(204, 'Documento excluído')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async remove(@Path() id: string): Promise<void> {
    await this.services.documents.remove(this.actor, id, this.info);
    this.setStatus(204);
  }

  /**
   * Envia (ou substitui) o arquivo do documento: `multipart/form-data` com o campo `file`. PDF, JPEG ou PNG,
   * reconhecidos pelo conteúdo (415 para outros), até 5 MiB (413 acima disso). Guardado cifrado (AES-256-GCM).
   * Todos os arquivos de um cidadão somam até 50 MiB (409 `/problems/quota-exceeded`).
   * @summary Enviar arquivo do documento
   */
  @Put('{id}/file')
  @Produces('application/json')
  @Response<Problem>(400, 'Corpo multipart malformado')
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(409, 'Limite de armazenamento atingido')
  @Response<Problem>(413, 'Arquivo maior que 5 MiB')
  @Response<Problem>(415, 'Não é PDF, JPEG nem PNG, ou o corpo não é multipart/form-data')
  @Response<Problem>(422, 'Campo file ausente ou vazio')
  public async uploadFile(@Path() id: string): Promise<DocumentView> {
    const request = this.context.request;
    // Ownership first: a stranger's or a missing document is refused before a byte of the upload is read.
    await this.services.documents.get(this.actor, id);
    const upload = await readMultipartFile(request, request.headers, {
      fieldName: 'file',
      rules: documentFileRules(this.services.documents.maxFileBytes),
    });
    return presentDocument(await this.services.documents.storeFile(this.actor, id, upload, this.info));
  }

  /**
   * O arquivo original, com `Content-Type` e `Content-Disposition`. Se o arquivo guardado não passar na verificação
   * de integridade, responde 500 `/problems/file-corrupted` em vez de bytes alterados.
   * @summary Baixar arquivo do documento
   */
  @Get('{id}/file')
  @Produces('application/pdf')
  @Produces('image/jpeg')
  @Produces('image/png')
  @Response<Problem>(404, 'Não encontrado ou sem arquivo')
  @Response<Problem>(500, 'Arquivo guardado danificado')
  public async downloadFile(@Path() id: string): Promise<Readable> {
    const file = await this.services.documents.readFile(this.actor, id);
    this.setHeader('Content-Type', file.contentType);
    this.setHeader('Content-Length', String(file.bytes.length));
    this.setHeader('Content-Disposition', contentDisposition(file.fileName));
    this.setHeader('Cache-Control', 'no-store');
    this.setHeader('X-Content-Type-Options', 'nosniff');
    return Readable.from([file.bytes]);
  }

  /**
   * Apaga o arquivo; o documento continua guardado.
   * @summary Apagar arquivo do documento
   */
  @Delete('{id}/file')
  @SuccessResponse(204, 'Arquivo apagado')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Não encontrado ou sem arquivo')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async removeFile(@Path() id: string): Promise<void> {
    await this.services.documents.removeFile(this.actor, id, this.info);
    this.setStatus(204);
  }
}
