import { DomainError } from '../shared/errors';
import { formatFileSize } from './file-size';
import { SIGNATURE_BYTES, detectFileKind } from './file-kinds';

/** A file received from a client: the name it declared and its bytes (at most the configured limit). */
export interface UploadedFile {
  fileName?: string;
  bytes: Buffer;
}

export function fileTooLarge(maxBytes: number): DomainError {
  return new DomainError('file-too-large', `O arquivo passa do limite de ${formatFileSize(maxBytes)}.`);
}

export function unsupportedFileType(): DomainError {
  return new DomainError('unsupported-file-type', 'Tipo de arquivo não aceito: envie um PDF, JPEG ou PNG.');
}

/**
 * What a document's file must be, for the edge that reads an upload to judge it while it arrives (a refused upload
 * is never read whole): at most `maxBytes`, starting with a PDF, JPEG or PNG signature. The service checks both
 * again on the bytes it is given.
 */
export function documentFileRules(maxBytes: number) {
  return {
    maxBytes,
    tooLarge: () => fileTooLarge(maxBytes),
    headBytes: SIGNATURE_BYTES,
    refuseHead: (head: Buffer) => (detectFileKind(head) ? undefined : unsupportedFileType()),
  };
}
