/**
 * The payment provider (PSP) as the domain sees it: the calls of the Banco Central's API Pix a receiver makes. The
 * implementation (mutual TLS, OAuth2 client credentials) is http/psp-client.ts, wired by the composition root; every
 * method fails with `service-unavailable` when the PSP cannot be reached.
 */
/** A charge as the PSP answers `PUT|GET /cob/{txid}` (the fields the app reads). */
export interface PspCharge {
  txid: string;
  status: string;
  location: string;
  calendario: { criacao: string; expiracao: number };
  valor: { original: string };
}

/** A received payment (`pix[]` of `GET /pix` and of webhook calls). */
export interface PspPayment {
  endToEndId: string;
  txid?: string;
  valor: string;
  horario: string;
  devolucoes?: PspRefund[];
}

/** A refund (`devolucao`) and its state. */
export interface PspRefund {
  id: string;
  valor: string;
  status: 'EM_PROCESSAMENTO' | 'DEVOLVIDO' | 'NAO_REALIZADO';
}

export interface PixProvider {
  /** `PUT /cob/{txid}`: an immediate charge of `valor` to the city's key, payable for `expiracao` seconds. */
  createCharge(txid: string, charge: { valor: string; expiracao: number; solicitacaoPagador: string }): Promise<PspCharge>;
  /** `GET /cob/{txid}`. */
  getCharge(txid: string): Promise<PspCharge>;
  /** `GET /pix?inicio&fim`: every payment received in the interval, all pages. */
  listReceived(inicio: Date, fim: Date): Promise<PspPayment[]>;
  /** `PUT /pix/{e2eid}/devolucao/{id}`: asks for a refund (the same id again is the same refund). */
  requestRefund(e2eid: string, id: string, valor: string): Promise<PspRefund>;
  /** `GET /pix/{e2eid}/devolucao/{id}`. */
  getRefund(e2eid: string, id: string): Promise<PspRefund>;
}
