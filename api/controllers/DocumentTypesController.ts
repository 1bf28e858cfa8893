import { Get, Produces, Response, Route, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import {
  INTERNAL_ERROR,
  MALFORMED_REQUEST,
  PROBLEM_MEDIA_TYPE,
  SERVICE_UNAVAILABLE,
  TOO_MANY_REQUESTS,
  type Problem,
} from '../http/problems';
import { presentDocumentType, type DocumentTypeView } from '../presenters/document-type.presenter';

@Route('v1/document-types')
@Tags('Documentos')
@Produces(PROBLEM_MEDIA_TYPE)
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class DocumentTypesController extends BaseController {
  /**
   * Lista os tipos de documento aceitos pela carteira, com o nome em português, a regra do número e as datas exigidas.
   * @summary Tipos de documento
   */
  @Get()
  @Produces('application/json')
  public list(): { items: DocumentTypeView[] } {
    return { items: this.services.documentTypes.list().map(presentDocumentType) };
  }
}
