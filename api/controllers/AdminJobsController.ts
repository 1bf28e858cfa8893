import { Get, Path, Post, Produces, Query, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { BaseController } from './BaseController';
import { presentJob, type JobList, type JobView } from '../presenters/job.presenter';
import {
  BODY_TOO_LARGE,
  INTERNAL_ERROR,
  MALFORMED_BODY,
  MALFORMED_REQUEST,
  PROBLEM_MEDIA_TYPE,
  SERVICE_UNAVAILABLE,
  TOO_MANY_REQUESTS,
  UNSUPPORTED_BODY,
  type Problem,
} from '../http/problems';

@Route('v1/admin/jobs')
@Tags('Administração: tarefas em segundo plano')
@Produces(PROBLEM_MEDIA_TYPE)
@Response<Problem>(400, MALFORMED_REQUEST)
@Response<Problem>(401, 'Não autenticado')
@Response<Problem>(403, 'Restrito a administradores')
@Response<Problem>(429, TOO_MANY_REQUESTS)
@Response<Problem>(500, INTERNAL_ERROR)
@Response<Problem>(503, SERVICE_UNAVAILABLE)
export class AdminJobsController extends BaseController {
  /**
   * Lista as tarefas em segundo plano (expurgos, reenvios) num estado, das mais novas às mais antigas: `failed` são as
   * que esgotaram as tentativas e esperam uma decisão (reenviar ou descartar).
   * @summary Listar tarefas
   * @param state created, retry, active, completed, cancelled ou failed.
   * @param limit De 1 a 100 (padrão: 100).
   */
  @Get()
  @Produces('application/json')
  @Security('jwt', ['admin'])
  @Response<Problem>(422, 'Estado ou limite inválidos')
  public async list(@Query() state: string, @Query() limit?: number): Promise<JobList> {
    const jobs = await this.services.jobs.list(this.actor, state, limit);
    return { items: jobs.map(presentJob) };
  }

  /**
   * Devolve à fila uma tarefa que falhou, com um novo ciclo de tentativas.
   * @summary Reenviar tarefa
   */
  @Post('{id}/retry')
  @Produces('application/json')
  @Security('jwt', ['admin'])
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Tarefa não encontrada')
  @Response<Problem>(409, 'A tarefa não está em estado de falha')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async retry(@Path() id: string): Promise<JobView> {
    return presentJob(await this.services.jobs.retry(this.actor, id));
  }

  /**
   * Descarta uma tarefa (e sua cópia na fila de mensagens mortas) em definitivo.
   * @summary Descartar tarefa
   */
  @Post('{id}/discard')
  @Security('jwt', ['admin'])
  @SuccessResponse(204, 'Tarefa descartada')
  @Response<Problem>(400, MALFORMED_BODY)
  @Response<Problem>(404, 'Tarefa não encontrada')
  @Response<Problem>(409, 'A tarefa está em execução')
  @Response<Problem>(413, BODY_TOO_LARGE)
  @Response<Problem>(415, UNSUPPORTED_BODY)
  public async discard(@Path() id: string): Promise<void> {
    await this.services.jobs.discard(this.actor, id);
    this.setStatus(204);
  }
}
