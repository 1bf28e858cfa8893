import { Body, Get, Header, Path, Post, Produces, Query, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import {
  presentBalanceChange,
  presentCard,
  presentCardBlock,
  presentCardListItem,
  presentTransaction,
  type BalanceChangeView,
  type CardBlockView,
  type CardListItemView,
  type CardView,
  type TransactionView,
} from '../presenters/card.presenter';
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

export interface AmountRequest {
  /**
   * Valor em centavos (inteiro).
   * @isInt
   * @minimum 1
   * @example 470
   */
  amountCents: number;
}

export interface BlockCardRequest {
  /** Motivo do bloqueio. */
  reason: 'lost' | 'stolen' | 'damaged' | 'other';
}

export interface CardPage {
  items: CardListItemView[];
  nextCursor: string | null;
}

export interface TransactionPage {
  items: TransactionView[];
  nextCursor: string | null;
}

@Route('v1/cards')
@Tags('Cartões de transporte')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class CardsController extends BaseController {
  /**
   * Meus cartões (ativos, bloqueados e cancelados), com o número mascarado. Paginado: `limit` até 100,
   * `cursor` = `nextCursor` da página anterior.
   * @summary Listar meus cartões
   */
  @Get()
  @Produces('application/json')
  @Response<Problem>(422, 'Paginação inválida')
  public async list(@Query() limit?: number, @Query() cursor?: string): Promise<CardPage> {
    const page = await this.services.cards.listCards(this.actor, pageRequest(limit, cursor));
    return { items: page.items.map(presentCardListItem), nextCursor: page.nextCursor };
  }

  /**
   * Emite mais um cartão para mim (até 3 cartões não cancelados).
   * @summary Pedir um novo cartão
   */
  @Post()
  @SuccessResponse(201, 'Cartão emitido', 'application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(409, 'Limite de cartões atingido')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async create(): Promise<CardView> {
    const card = await this.services.cards.requestCard(this.actor);
    this.setStatus(201);
    this.setHeader('Location', `/v1/cards/${card.id}`);
    return presentCard(card);
  }

  /**
   * Um cartão meu, com saldo, situação e o número completo.
   * @summary Ver cartão
   */
  @Get('{id}')
  @Produces('application/json')
  @Response<Problem>(404, 'Não encontrado')
  public async get(@Path() id: string): Promise<CardView> {
    return presentCard(await this.services.cards.getCard(this.actor, id));
  }

  /**
   * Recarga simulada, sem pagamento: crédito direto num cartão, para testes, demonstrações e suporte. Restrita a
   * administradores (vale para o cartão de qualquer pessoa) e desligada em produção (`SIMULATED_RECHARGES=off`, o
   * padrão com `NODE_ENV=production`: a rota responde 404). O cidadão recarrega por Pix
   * (`POST /v1/cards/{id}/recharge-orders`). De R$ 1,00 a R$ 500,00 por operação, saldo máximo de R$ 1.000,00, até 10
   * recargas por cartão por hora. Exige o cabeçalho `Idempotency-Key`: repetir a requisição com a mesma chave devolve a
   * primeira resposta (com `Idempotent-Replayed: true`) sem recarregar de novo.
   * @summary Recarga simulada (administradores)
   * @param idempotencyKey Chave única desta operação (de 1 a 255 caracteres imprimíveis), por exemplo um UUID.
   */
  @Post('{id}/recharges')
  @Security('jwt', ['admin'])
  @SuccessResponse(201, 'Recarga feita', 'application/json')
  @Response<Problem>(400, 'Idempotency-Key ausente ou inválida, ou corpo malformado (JSON inválido)')
  @Response<Problem>(403, 'Restrito a administradores')
  @Response<Problem>(404, 'Cartão não encontrado, ou recarga simulada desligada neste ambiente')
  @Response<Problem>(409, 'Cartão não está ativo, ou a mesma chave ainda está em andamento')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Valor fora dos limites, saldo máximo atingido, ou chave usada com outros dados')
  @Response<Problem>(429, 'Muitas recargas no cartão (veja Retry-After)')
  public async recharge(
    @Path() id: string,
    @Body() body: AmountRequest,
    @Header('Idempotency-Key') idempotencyKey?: string,
  ): Promise<BalanceChangeView> {
    const outcome = await this.services.cards.recharge(this.actor, id, body.amountCents, idempotencyKey);
    return presentBalanceChange(this.idempotent(outcome, 201));
  }

  /**
   * Débito simulado de uma passagem pelo titular. Saldo insuficiente: 422 `insufficient-funds`; cartão não ativo: 409.
   * Exige o cabeçalho `Idempotency-Key`, como a recarga.
   * @summary Debitar passagem
   * @param idempotencyKey Chave única desta operação (de 1 a 255 caracteres imprimíveis), por exemplo um UUID.
   */
  @Post('{id}/debits')
  @SuccessResponse(201, 'Débito feito', 'application/json')
  @Response<Problem>(400, 'Idempotency-Key ausente ou inválida, ou corpo malformado (JSON inválido)')
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(409, 'Cartão não está ativo, ou a mesma chave ainda está em andamento')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Saldo insuficiente, valor inválido, ou chave usada com outros dados')
  public async debit(
    @Path() id: string,
    @Body() body: AmountRequest,
    @Header('Idempotency-Key') idempotencyKey?: string,
  ): Promise<BalanceChangeView> {
    const outcome = await this.services.cards.debit(this.actor, id, body.amountCents, idempotencyKey);
    return presentBalanceChange(this.idempotent(outcome, 201));
  }

  /**
   * Extrato do cartão, do mais recente ao mais antigo, cada lançamento com o saldo logo depois dele.
   * @summary Extrato do cartão
   * @param type Só lançamentos deste tipo.
   * @param from Início do período: `AAAA-MM-DD` (dia inteiro, horário de Brasília) ou instante ISO 8601.
   * @param to Fim do período (inclusive), no mesmo formato.
   */
  @Get('{id}/transactions')
  @Produces('application/json')
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(422, 'Filtro inválido')
  public async transactions(
    @Path() id: string,
    @Query() type?: 'recharge' | 'debit' | 'transfer_in' | 'transfer_out',
    @Query() from?: string,
    @Query() to?: string,
    @Query() limit?: number,
    @Query() cursor?: string,
  ): Promise<TransactionPage> {
    const page = await this.services.cards.history(this.actor, id, { type, from, to }, pageRequest(limit, cursor));
    return { items: page.items.map(presentTransaction), nextCursor: page.nextCursor };
  }

  /**
   * Bloqueia o cartão (perda, roubo, dano ou outro motivo) e devolve o número de protocolo. Um cartão bloqueado não
   * aceita recargas nem passagens; o saldo passa para a segunda via. `Idempotency-Key` é opcional aqui.
   * @summary Bloquear cartão
   * @param idempotencyKey Opcional: repetir com a mesma chave devolve o mesmo protocolo.
   */
  @Post('{id}/block')
  @Produces('application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(409, 'O cartão já está bloqueado ou cancelado')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(422, 'Motivo inválido')
  public async block(
    @Path() id: string,
    @Body() body: BlockCardRequest,
    @Header('Idempotency-Key') idempotencyKey?: string,
  ): Promise<CardBlockView> {
    const outcome = await this.services.cards.block(this.actor, id, body.reason, this.info, idempotencyKey);
    return presentCardBlock(this.idempotent(outcome, 200));
  }

  /**
   * Segunda via de um cartão bloqueado: um novo cartão recebe todo o saldo e o antigo é cancelado com saldo zero.
   * @summary Pedir segunda via
   */
  @Post('{id}/replacement')
  @SuccessResponse(201, 'Segunda via emitida', 'application/json')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(409, 'O cartão não está bloqueado ou já foi substituído')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async replace(@Path() id: string): Promise<CardView> {
    const card = await this.services.cards.replace(this.actor, id, this.info);
    this.setStatus(201);
    this.setHeader('Location', `/v1/cards/${card.id}`);
    return presentCard(card);
  }
}
