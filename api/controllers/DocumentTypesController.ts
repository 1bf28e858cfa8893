import { Get, Route, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentDocumentType, type DocumentTypeView } from '../presenters/document-type.presenter';

@Route('v1/document-types')
@Tags('Documentos')
export class DocumentTypesController extends BaseController {
  /**
   * Lista os tipos de documento aceitos pela carteira, com o nome em português, a regra do número e as datas exigidas.
   * @summary Tipos de documento
   */
  @Get()
  public list(): { items: DocumentTypeView[] } {
    return { items: this.services.documentTypes.list().map(presentDocumentType) };
  }
}
