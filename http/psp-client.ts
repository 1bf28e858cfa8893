import { Agent, request } from 'node:https';
import type { OutboundTimeouts, PixConfig } from '../src/config';
import { DomainError } from '../src/shared/errors';
import type { PixProvider, PspCharge, PspPayment, PspRefund } from '../src/payments/psp';

const UNAVAILABLE = 'O serviço de pagamentos Pix não respondeu. Tente novamente em instantes.';

/**
 * The app's client of its PSP's API Pix (the Banco Central's standard, v2): mutual TLS with the app's certificate on
 * every call, and an OAuth2 client-credentials token (HTTP Basic, `POST /oauth/token`), cached until shortly before it
 * expires. Calls only the configured base URL, never an address taken from data. Each call is bounded by the outbound
 * timeouts; a PSP that fails or does not answer is `service-unavailable`.
 */
export class PspClient implements PixProvider {
  private readonly agent: Agent;
  private token: { value: string; until: number } | null = null;

  constructor(
    private readonly config: PixConfig,
    private readonly timeouts: OutboundTimeouts,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      cert: config.clientCert,
      key: config.clientKey,
      ...(config.pspCa ? { ca: config.pspCa } : {}),
    });
  }

  /** `PUT /cob/{txid}`: an immediate charge of `valor` to the city's key, payable for `expiracao` seconds. */
  createCharge(txid: string, charge: { valor: string; expiracao: number; solicitacaoPagador: string }): Promise<PspCharge> {
    return this.call<PspCharge>('PUT', `/cob/${txid}`, {
      calendario: { expiracao: charge.expiracao },
      valor: { original: charge.valor },
      chave: this.config.pixKey,
      solicitacaoPagador: charge.solicitacaoPagador,
    });
  }

  /** `GET /cob/{txid}`. */
  getCharge(txid: string): Promise<PspCharge> {
    return this.call<PspCharge>('GET', `/cob/${txid}`);
  }

  /** `GET /pix?inicio&fim`: every payment received in the interval, all pages. */
  async listReceived(inicio: Date, fim: Date): Promise<PspPayment[]> {
    const payments: PspPayment[] = [];
    for (let page = 0; ; page++) {
      const query = new URLSearchParams({
        inicio: inicio.toISOString(),
        fim: fim.toISOString(),
        'paginacao.paginaAtual': String(page),
        'paginacao.itensPorPagina': '100',
      });
      const answer = await this.call<{ pix: PspPayment[]; parametros: { paginacao: { quantidadeDePaginas: number } } }>(
        'GET',
        `/pix?${query.toString()}`,
      );
      payments.push(...answer.pix);
      if (page + 1 >= answer.parametros.paginacao.quantidadeDePaginas) return payments;
    }
  }

  /** `PUT /pix/{e2eid}/devolucao/{id}`: asks for a refund (the same id again is the same refund). */
  requestRefund(e2eid: string, id: string, valor: string): Promise<PspRefund> {
    return this.call<PspRefund>('PUT', `/pix/${e2eid}/devolucao/${id}`, { valor });
  }

  /** `GET /pix/{e2eid}/devolucao/{id}`. */
  getRefund(e2eid: string, id: string): Promise<PspRefund> {
    return this.call<PspRefund>('GET', `/pix/${e2eid}/devolucao/${id}`);
  }

  /** Closes kept-alive connections (app shutdown). */
  close(): void {
    this.agent.destroy();
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64');
    const { status, body } = await this.send('POST', '/oauth/token', 'grant_type=client_credentials', {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    });
    const parsed = body as { access_token?: unknown; expires_in?: unknown };
    if (status !== 200 || typeof parsed.access_token !== 'string') {
      throw new DomainError('service-unavailable', UNAVAILABLE);
    }
    const lifetime = typeof parsed.expires_in === 'number' ? parsed.expires_in : 300;
    this.token = { value: parsed.access_token, until: Date.now() + Math.max(0, lifetime - 60) * 1000 };
    return this.token.value;
  }

  private async call<T>(method: string, path: string, json?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const { status, body } = await this.send(method, path, json === undefined ? undefined : JSON.stringify(json), {
        authorization: `Bearer ${token}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      });
      // A token the PSP revoked early: one fresh token, then give up.
      if (status === 401 && attempt === 0) {
        this.token = null;
        continue;
      }
      if (status >= 200 && status < 300) return body as T;
      throw new PspError(method, path, status, body);
    }
  }

  private send(
    method: string,
    path: string,
    payload: string | undefined,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: unknown }> {
    const url = new URL(this.config.pspUrl + path);
    return new Promise((resolve, reject) => {
      const unavailable = () => reject(new DomainError('service-unavailable', UNAVAILABLE));
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...headers,
            ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}),
          },
          timeout: this.timeouts.connectTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', unavailable);
          res.on('end', () => {
            clearTimeout(total);
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: parseBody(text) });
          });
        },
      );
      const total = setTimeout(() => req.destroy(new Error('PSP call took too long')), this.timeouts.totalTimeoutMs);
      req.on('timeout', () => req.destroy(new Error('PSP did not connect in time')));
      req.on('error', () => {
        clearTimeout(total);
        unavailable();
      });
      req.end(payload);
    });
  }
}

/** A PSP answer that is not a success: what was asked, and the PSP's problem details. */
export class PspError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`PSP answered ${status} to ${method} ${path.split('?')[0]}`);
    this.name = 'PspError';
  }
}

/** A PSP answer's body: JSON when it is JSON, else the text (kept for the error's detail). */
function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
