import {
  Body,
  Delete,
  Get,
  Patch,
  Path,
  Post,
  Produces,
  Query,
  Response,
  Route,
  Security,
  SuccessResponse,
  Tags,
} from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentFaqEntry, presentFaqSearch, type FaqEntryView, type FaqSearchView } from '../presenters/faq.presenter';
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
import { pageRequest } from '../../src/shared/pagination';

export interface CreateFaqEntryRequest {
  /** Identificador estável em kebab-case (ex.: `recarregar-cartao`); não pode ser alterado depois. */
  slug: string;
  /** De 5 a 300 caracteres. */
  question: string;
  /** De 10 a 4000 caracteres. */
  answer: string;
  /** Até 20 outras formas de perguntar o mesmo, de 3 a 300 caracteres cada. */
  alternatives?: string[];
  /** Até 10 etiquetas. */
  tags?: string[];
  /** Padrão: true. */
  active?: boolean;
}

export interface UpdateFaqEntryRequest {
  question?: string;
  answer?: string;
  alternatives?: string[];
  tags?: string[];
  /** false retira a pergunta da busca sem apagá-la. */
  active?: boolean;
}

export interface FaqEntryPage {
  items: FaqEntryView[];
  nextCursor: string | null;
}

@Route('v1/faq')
@Tags('Perguntas frequentes')
@Produces(PROBLEM_MEDIA_TYPE)
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class FaqController extends BaseController {
  /**
   * Busca na base de perguntas frequentes (sem autenticação). Entende acentos, maiúsculas, variações das palavras,
   * sinônimos e erros de digitação. Sem resposta confiável, devolve as três perguntas mais próximas e a orientação de
   * procurar a Central 1746. Limitada por endereço de origem.
   * @summary Buscar resposta
   * @param q A pergunta, em texto livre.
   */
  @Get('search')
  @Produces('application/json')
  @Response<Problem>(422, 'Pergunta ausente, vazia ou longa demais')
  @Response<Problem>(429, 'Muitas buscas; veja o cabeçalho Retry-After')
  public async search(@Query() q: string): Promise<FaqSearchView> {
    return presentFaqSearch(await this.services.faq.search(q, this.info.address));
  }

  /**
   * Lista as perguntas, ativas e inativas, na ordem de criação (`limit` até 100, `cursor` = `nextCursor` da página
   * anterior).
   * @summary Listar perguntas
   * @param active Só as ativas (true) ou só as inativas (false).
   * @param tag Só as que têm esta etiqueta.
   */
  @Get()
  @Produces('application/json')
  @Security('jwt', ['admin'])
  @Response<Problem>(401, 'Não autenticado')
  @Response<Problem>(403, 'Restrito a administradores')
  @Response<Problem>(422, 'Filtro ou paginação inválidos')
  public async list(
    @Query() limit?: number,
    @Query() cursor?: string,
    @Query() active?: boolean,
    @Query() tag?: string,
  ): Promise<FaqEntryPage> {
    const page = await this.services.faq.list(this.actor, pageRequest(limit, cursor), { active, tag });
    return { items: page.items.map(presentFaqEntry), nextCursor: page.nextCursor };
  }

  /**
   * Cria uma pergunta; ela passa a ser respondida por todas as instâncias já na próxima busca.
   * @summary Criar pergunta
   */
  @Post()
  @Security('jwt', ['admin'])
  @SuccessResponse(201, 'Pergunta criada', 'application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(401, 'Não autenticado')
  @Response<Problem>(403, 'Restrito a administradores')
  @Response<Problem>(409, 'Identificador (slug) já usado')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async create(@Body() body: CreateFaqEntryRequest): Promise<FaqEntryView> {
    const entry = await this.services.faq.create(this.actor, body);
    this.setStatus(201);
    this.setHeader('Location', `/v1/faq/${entry.id}`);
    return presentFaqEntry(entry);
  }

  /** @summary Ver pergunta */
  @Get('{id}')
  @Produces('application/json')
  @Security('jwt', ['admin'])
  @Response<Problem>(401, 'Não autenticado')
  @Response<Problem>(403, 'Restrito a administradores')
  @Response<Problem>(404, 'Não encontrada')
  public async get(@Path() id: string): Promise<FaqEntryView> {
    return presentFaqEntry(await this.services.faq.get(this.actor, id));
  }

  /**
   * Altera a pergunta; `active: false` a retira da busca. O identificador (slug) não muda.
   * @summary Alterar pergunta
   */
  @Patch('{id}')
  @Produces('application/json')
  @Security('jwt', ['admin'])
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(401, 'Não autenticado')
  @Response<Problem>(403, 'Restrito a administradores')
  @Response<Problem>(404, 'Não encontrada')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Dados inválidos')
  public async update(@Path() id: string, @Body() body: UpdateFaqEntryRequest): Promise<FaqEntryView> {
    return presentFaqEntry(await this.services.faq.update(this.actor, id, body));
  }

  /**
   * Apaga a pergunta definitivamente (para só retirá-la da busca, altere `active` para false).
   * @summary Excluir pergunta
   */
  @Delete('{id}')
  @Security('jwt', ['admin'])
  @SuccessResponse(204, 'Pergunta excluída')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(401, 'Não autenticado')
  @Response<Problem>(403, 'Restrito a administradores')
  @Response<Problem>(404, 'Não encontrada')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async delete(@Path() id: string): Promise<void> {
    await this.services.faq.delete(this.actor, id);
    this.setStatus(204);
  }
}
