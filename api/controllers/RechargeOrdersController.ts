import { Body, Get, Header, Path, Post, Produces, Query, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import type { AmountRequest } from './CardsController';
import { presentRechargeOrder, type RechargeOrderPage, type RechargeOrderView } from '../presenters/recharge-order.presenter';
import {
  BODY_TOO_LARGE,
  INTERNAL_ERROR,
  MALFORMED_REQUEST,
  PROBLEM_MEDIA_TYPE,
  SERVICE_UNAVAILABLE,
  TOO_MANY_REQUESTS,
  UNSUPPORTED_BODY,
  type Problem,
} from '../http/problems';
import { pageRequest } from '../../src/shared/pagination';

@Route('v1')
@Tags('Recarga por Pix')
@Produces(PROBLEM_MEDIA_TYPE)
@Security('jwt')
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class RechargeOrdersController extends BaseController {
  /**
   * Pede uma recarga paga por Pix: devolve o código Pix copia e cola e o QR code, válidos até `expiresAt`. O saldo só
   * muda quando o pagamento chega (o pedido passa a `paid`). Exige o cabeçalho `Idempotency-Key`: repetir com a mesma
   * chave devolve o mesmo pedido (com `Idempotent-Replayed: true`), sem cobrar de novo.
   * @summary Recarregar por Pix
   * @param idempotencyKey Chave única desta operação (de 1 a 255 caracteres imprimíveis), por exemplo um UUID.
   */
  @Post('cards/{id}/recharge-orders')
  @SuccessResponse(201, 'Pedido criado, aguardando o pagamento', 'application/json')
  @Response<Problem>(400, 'Idempotency-Key ausente ou inválida, ou corpo malformado (JSON inválido)')
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(
    409,
    'Cartão não está ativo, limite de pedidos atingido (pendentes, por dia ou por mês: `quota-exceeded`), ou a mesma chave ainda está em andamento',
  )
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  @Response<Problem>(
    422,
    'Valor fora do mínimo e máximo por pedido, saldo máximo do cartão atingido, ou chave usada com outros dados',
  )
  public async create(
    @Path() id: string,
    @Body() body: AmountRequest,
    @Header('Idempotency-Key') idempotencyKey?: string,
  ): Promise<RechargeOrderView> {
    const outcome = await this.services.rechargeOrders.create(this.actor, id, body.amountCents, idempotencyKey);
    const order = this.idempotent(outcome, 201);
    this.setHeader('Location', `/v1/recharge-orders/${order.id}`);
    return presentRechargeOrder(order);
  }

  /**
   * Os pedidos de recarga por Pix de um cartão meu, do mais recente ao mais antigo.
   * @summary Pedidos de recarga do cartão
   */
  @Get('cards/{id}/recharge-orders')
  @Produces('application/json')
  @Response<Problem>(404, 'Não encontrado')
  @Response<Problem>(422, 'Paginação inválida')
  public async listForCard(@Path() id: string, @Query() limit?: number, @Query() cursor?: string): Promise<RechargeOrderPage> {
    const page = await this.services.rechargeOrders.listForCard(this.actor, id, pageRequest(limit, cursor));
    return { items: page.items.map(presentRechargeOrder), nextCursor: page.nextCursor };
  }

  /**
   * Um pedido de recarga meu: a situação (`pending`, `paid`, `expired`...) e o código para pagar.
   * @summary Ver pedido de recarga
   */
  @Get('recharge-orders/{id}')
  @Produces('application/json')
  @Response<Problem>(404, 'Não encontrado')
  public async get(@Path() id: string): Promise<RechargeOrderView> {
    return presentRechargeOrder(await this.services.rechargeOrders.get(this.actor, id));
  }
}
