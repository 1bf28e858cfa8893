import { createDynamicPix, hasError } from 'pix-utils';

/**
 * The copy-and-paste Pix code of a charge: a dynamic BR Code (EMV QRCPS, with its CRC16) whose payload URL is the
 * PSP's `location` for the charge, built by pix-utils. Dynamic rather than static: the payer's bank reads the amount,
 * the txid and the expiry from the PSP's signed payload, so they cannot be edited in the code, and the charge expires
 * with `calendario.expiracao`. pix-utils' functions that fetch the payload are never used (no call to an address
 * taken from data).
 */
export function dynamicBrCode(location: string, merchant: { name: string; city: string }): string {
  const pix = createDynamicPix({ merchantName: merchant.name, merchantCity: merchant.city, url: location, oneTime: true });
  if (hasError(pix)) throw new Error(`BR Code not built: ${pix.message}`);
  return pix.toBRCode();
}
